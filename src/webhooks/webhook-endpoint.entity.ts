import {
  Check,
  Column,
  CreateDateColumn,
  Entity,
  Index,
  PrimaryGeneratedColumn,
  UpdateDateColumn,
} from 'typeorm';

/** A tenant's webhook endpoint. Table: migrations/0009_webhooks.sql. */
@Entity('webhook_endpoints')
@Index('webhook_endpoints_tenant_idx', ['tenant', 'createdAt'])
@Check('webhook_endpoints_events_check', 'cardinality(events) > 0')
export class WebhookEndpointEntity {
  @PrimaryGeneratedColumn('uuid')
  id: string;

  @Column('text')
  tenant: string;

  @Column('text')
  url: string;

  @Column('text', { array: true })
  events: string[];

  /** `whsec_<base64>`: signs deliveries; shown once, at creation. */
  @Column('text', { select: false })
  secret: string;

  @CreateDateColumn({ name: 'created_at', type: 'timestamptz' })
  createdAt: Date;

  @UpdateDateColumn({ name: 'updated_at', type: 'timestamptz' })
  updatedAt: Date;
}
