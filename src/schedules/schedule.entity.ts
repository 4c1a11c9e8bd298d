import {
  Column,
  CreateDateColumn,
  Entity,
  Index,
  JoinColumn,
  ManyToOne,
  PrimaryGeneratedColumn,
  type Relation,
  UpdateDateColumn,
} from 'typeorm';
import { FileEntity } from '../files/file.entity.js';

/** A recurring task of a tenant. Table: migrations/0014_task_schedules.sql. */
@Entity('task_schedules')
@Index('task_schedules_due_idx', ['nextRunAt'], { where: 'next_run_at IS NOT NULL' })
@Index('task_schedules_tenant_idx', ['tenant', 'createdAt'])
export class ScheduleEntity {
  @PrimaryGeneratedColumn('uuid')
  id: string;

  @Column('text')
  tenant: string;

  @Column('text')
  type: string;

  @Column('jsonb', { nullable: true })
  payload: unknown;

  @Column('jsonb', { default: () => "'{}'" })
  options: Record<string, unknown>;

  @Column('uuid', { name: 'input_file_id', nullable: true })
  inputFileId: string | null;

  @ManyToOne(() => FileEntity, { onDelete: 'RESTRICT' })
  @JoinColumn({
    name: 'input_file_id',
    foreignKeyConstraintName: 'task_schedules_input_file_id_fkey',
  })
  inputFile?: Relation<FileEntity>;

  @Column('text')
  cron: string;

  @Column('text', { default: 'UTC' })
  timezone: string;

  @Column('boolean', { default: false })
  paused: boolean;

  @Column('timestamptz', { name: 'next_run_at', nullable: true })
  nextRunAt: Date | null;

  @Column('timestamptz', { name: 'last_run_at', nullable: true })
  lastRunAt: Date | null;

  @Column('uuid', { name: 'last_task_id', nullable: true })
  lastTaskId: string | null;

  @Column('text', { name: 'last_error', nullable: true })
  lastError: string | null;

  @CreateDateColumn({ name: 'created_at', type: 'timestamptz' })
  createdAt: Date;

  @UpdateDateColumn({ name: 'updated_at', type: 'timestamptz' })
  updatedAt: Date;
}
