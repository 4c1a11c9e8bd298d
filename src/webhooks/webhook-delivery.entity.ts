import {
  Check,
  Column,
  Entity,
  Index,
  JoinColumn,
  ManyToOne,
  PrimaryGeneratedColumn,
  type Relation,
} from 'typeorm';
import { TaskEntity } from '../tasks/task.entity.js';
import { WebhookEndpointEntity } from './webhook-endpoint.entity.js';

export const DELIVERY_OUTCOMES = ['delivered', 'failed', 'refused'] as const;
export type DeliveryOutcome = (typeof DELIVERY_OUTCOMES)[number];

/**
 * One attempt to deliver one event to one endpoint, or to a task's callbackUrl. Table:
 * migrations/0009_webhooks.sql, 0011_task_callbacks.sql.
 */
@Entity('webhook_deliveries')
@Index('webhook_deliveries_endpoint_idx', { synchronize: false })
@Index('webhook_deliveries_task_idx', { synchronize: false })
@Check('webhook_deliveries_target_check', 'num_nonnulls(endpoint_id, task_id) = 1')
@Check('webhook_deliveries_attempt_check', 'attempt >= 1')
@Check('webhook_deliveries_duration_ms_check', 'duration_ms >= 0')
@Check('webhook_deliveries_outcome_check', `outcome IN ('delivered', 'failed', 'refused')`)
export class WebhookDeliveryEntity {
  /** bigint: pg hands it over as a string. */
  @PrimaryGeneratedColumn('identity', { type: 'bigint', generatedIdentity: 'ALWAYS' })
  id: string;

  /** Null for an attempt to a task's callbackUrl. */
  @Column('uuid', { name: 'endpoint_id', nullable: true })
  endpointId: string | null;

  @ManyToOne(() => WebhookEndpointEntity, { onDelete: 'CASCADE' })
  @JoinColumn({
    name: 'endpoint_id',
    foreignKeyConstraintName: 'webhook_deliveries_endpoint_id_fkey',
  })
  endpoint?: WebhookEndpointEntity;

  /** The task whose callbackUrl this attempt was to; null for an endpoint's. */
  @Column('uuid', { name: 'task_id', nullable: true })
  taskId: string | null;

  @ManyToOne(() => TaskEntity, { onDelete: 'CASCADE' })
  @JoinColumn({ name: 'task_id', foreignKeyConstraintName: 'webhook_deliveries_task_id_fkey' })
  task?: Relation<TaskEntity>;

  /** The `webhook-id` header: the same for every attempt of one event. */
  @Column('text', { name: 'message_id' })
  messageId: string;

  @Column('text', { name: 'event_type' })
  eventType: string;

  @Column('integer')
  attempt: number;

  @Column('text')
  outcome: DeliveryOutcome;

  @Column('integer', { name: 'status_code', nullable: true })
  statusCode: number | null;

  @Column('integer', { name: 'duration_ms' })
  durationMs: number;

  @Column('text', { nullable: true })
  error: string | null;

  @Column('timestamptz', { default: () => 'now()' })
  at: Date;
}
