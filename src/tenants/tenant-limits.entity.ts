import { Check, Column, Entity, PrimaryColumn, UpdateDateColumn } from 'typeorm';

/**
 * A tenant's own limits, set by an admin; null takes the setting's default.
 * Table: migrations/0005_tenant_limits.sql.
 */
@Entity('tenant_limits')
@Check('tenant_limits_max_running_tasks_check', 'max_running_tasks > 0')
@Check('tenant_limits_max_queued_tasks_check', 'max_queued_tasks >= 0')
@Check('tenant_limits_max_stored_bytes_check', 'max_stored_bytes >= 0')
@Check('tenant_limits_task_retention_hours_check', 'task_retention_hours >= 0')
@Check('tenant_limits_file_retention_hours_check', 'file_retention_hours >= 0')
export class TenantLimitsEntity {
  @PrimaryColumn('text')
  tenant: string;

  @Column('integer', { name: 'max_running_tasks', nullable: true })
  maxRunningTasks: number | null;

  @Column('integer', { name: 'max_queued_tasks', nullable: true })
  maxQueuedTasks: number | null;

  /** bigint: pg hands it over as a string. */
  @Column('bigint', { name: 'max_stored_bytes', nullable: true })
  maxStoredBytes: string | null;

  @Column('integer', { name: 'task_retention_hours', nullable: true })
  taskRetentionHours: number | null;

  @Column('integer', { name: 'file_retention_hours', nullable: true })
  fileRetentionHours: number | null;

  @UpdateDateColumn({ name: 'updated_at', type: 'timestamptz' })
  updatedAt: Date;
}
