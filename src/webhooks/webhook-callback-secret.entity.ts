import { Column, CreateDateColumn, Entity, PrimaryColumn } from 'typeorm';

/** A tenant's secret for signing callbacks. Table: migrations/0011_task_callbacks.sql. */
@Entity('webhook_callback_secrets')
export class WebhookCallbackSecretEntity {
  @PrimaryColumn('text')
  tenant: string;

  /** `whsec_<base64>`: signs every callback of the tenant's tasks. */
  @Column('text')
  secret: string;

  @CreateDateColumn({ name: 'created_at', type: 'timestamptz' })
  createdAt: Date;
}
