import {
  Column,
  Entity,
  Generated,
  Index,
  JoinColumn,
  ManyToOne,
  PrimaryColumn,
  type Relation,
} from 'typeorm';
import { TaskEntity } from './task.entity.js';

/**
 * One event of a task's gapless log (seq 1, 2, …). Appended by hand-written SQL only (the create
 * statement, the trigger's functions, progress): seq is taken under the task's row lock.
 * `xid` (xid8, the tenant stream's position: migrations/0004) has no TypeORM type and is left out;
 * only the gateway's own SQL reads it.
 */
@Entity('task_events')
@Index('task_events_id_idx', ['id'])
@Index('task_events_xid_idx', { synchronize: false })
export class TaskEventEntity {
  @PrimaryColumn('uuid', { name: 'task_id' })
  taskId: string;

  @ManyToOne(() => TaskEntity, { onDelete: 'CASCADE' })
  @JoinColumn({ name: 'task_id', foreignKeyConstraintName: 'task_events_task_id_fkey' })
  task?: Relation<TaskEntity>;

  @PrimaryColumn('integer')
  seq: number;

  @Column('text')
  kind: string;

  @Column('jsonb', { nullable: true })
  data: unknown;

  @Column('timestamptz', { default: () => 'now()' })
  at: Date;

  /** The tenant stream's order within one delta (migrations/0004); NULL for older rows. */
  @Column('bigint', { nullable: true, select: false })
  @Generated('increment')
  id: string | null;
}
