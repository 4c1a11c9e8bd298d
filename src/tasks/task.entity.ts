import {
  Column,
  CreateDateColumn,
  Entity,
  Index,
  JoinColumn,
  ManyToOne,
  PrimaryColumn,
  type Relation,
  UpdateDateColumn,
} from 'typeorm';
import { FileEntity } from '../files/file.entity.js';
import { TASK_STATUSES, type TaskProgress, type TaskStatus } from './task.js';

/**
 * A task. Its status, attempts, progress, result and error follow its job (`jobId`): the trigger
 * of migrations/0002_tasks.sql writes them, never this entity. Descending orders of the created_at
 * indexes are not compared by TypeORM (it compares index names, columns and uniqueness).
 */
@Entity('tasks')
@Index('tasks_idempotency_key_idx', ['tenant', 'idempotencyKey'], {
  unique: true,
  where: 'idempotency_key IS NOT NULL',
})
@Index('tasks_tenant_created_idx', ['tenant', 'createdAt', 'id'])
@Index('tasks_created_idx', ['createdAt', 'id'])
@Index('tasks_status_created_idx', ['status', 'createdAt', 'id'])
@Index('tasks_tenant_status_created_idx', ['tenant', 'status', 'createdAt', 'id'])
@Index('tasks_type_created_idx', ['type', 'createdAt', 'id'])
@Index('tasks_tenant_type_created_idx', ['tenant', 'type', 'createdAt', 'id'])
@Index('tasks_parent_line_idx', ['parentId', 'parentLine'], {
  unique: true,
  where: 'parent_id IS NOT NULL',
})
@Index('tasks_input_file_idx', ['inputFileId'], { where: 'input_file_id IS NOT NULL' })
@Index('tasks_tenant_queued_idx', ['tenant'], { where: `status = 'queued'` })
export class TaskEntity {
  /** Chosen by the creator (the job's payload names it before the row exists). */
  @PrimaryColumn('uuid')
  id: string;

  @Column('text')
  tenant: string;

  @Column('text')
  type: string;

  @Column({ type: 'enum', enum: TASK_STATUSES, enumName: 'task_status', default: 'queued' })
  status: TaskStatus;

  @Column('uuid', { name: 'input_file_id', nullable: true })
  inputFileId: string | null;

  @ManyToOne(() => FileEntity, { onDelete: 'RESTRICT' })
  @JoinColumn({ name: 'input_file_id', foreignKeyConstraintName: 'tasks_input_file_id_fkey' })
  inputFile?: Relation<FileEntity>;

  @Column('jsonb', { nullable: true })
  payload: unknown;

  @Column('jsonb', { default: () => `'{}'` })
  options: Record<string, unknown>;

  @Column('jsonb', { nullable: true })
  progress: TaskProgress | null;

  @Column('jsonb', { nullable: true })
  result: unknown;

  @Column('jsonb', { nullable: true })
  error: Record<string, unknown> | null;

  @Column('integer', { default: 0 })
  attempts: number;

  @Column('integer', { name: 'max_attempts' })
  maxAttempts: number;

  @Column('timestamptz', { name: 'run_at', nullable: true })
  runAt: Date | null;

  /** bigint: pg hands it over as a string. */
  @Column('bigint', { name: 'job_id', unique: true })
  jobId: string;

  @Column('text', { name: 'idempotency_key', nullable: true })
  idempotencyKey: string | null;

  @Column('uuid', { name: 'parent_id', nullable: true })
  parentId: string | null;

  @ManyToOne(() => TaskEntity, { onDelete: 'SET NULL' })
  @JoinColumn({ name: 'parent_id', foreignKeyConstraintName: 'tasks_parent_id_fkey' })
  parent?: Relation<TaskEntity>;

  @Column('integer', { name: 'parent_line', nullable: true })
  parentLine: number | null;

  /** Where the task's terminal events are POSTed (docs/webhooks.md); null when nowhere. */
  @Column('text', { name: 'callback_url', nullable: true })
  callbackUrl: string | null;

  @Column('integer', { name: 'children_total', default: 0 })
  childrenTotal: number;

  @Column('integer', { name: 'children_succeeded', default: 0 })
  childrenSucceeded: number;

  @Column('integer', { name: 'children_failed', default: 0 })
  childrenFailed: number;

  @Column('integer', { name: 'children_cancelled', default: 0 })
  childrenCancelled: number;

  @Column('boolean', { name: 'awaiting_children', default: false })
  awaitingChildren: boolean;

  /** The seq of the task's latest event; bumped under the row lock by every event writer. */
  @Column('integer', { name: 'last_seq', default: 1 })
  lastSeq: number;

  @CreateDateColumn({ name: 'created_at', type: 'timestamptz' })
  createdAt: Date;

  @UpdateDateColumn({ name: 'updated_at', type: 'timestamptz' })
  updatedAt: Date;

  @Column('timestamptz', { name: 'started_at', nullable: true })
  startedAt: Date | null;

  @Column('timestamptz', { name: 'finished_at', nullable: true })
  finishedAt: Date | null;
}
