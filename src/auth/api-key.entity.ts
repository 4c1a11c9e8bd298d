import { Check, Column, CreateDateColumn, Entity, PrimaryGeneratedColumn } from 'typeorm';
import type { ApiKeyRole } from './api-key.js';

/** An API key; only its sha256 is stored. Table: migrations/0002_tasks.sql. */
@Entity('api_keys')
@Check('api_keys_role_check', `role IN ('user', 'admin')`)
export class ApiKeyEntity {
  @PrimaryGeneratedColumn('uuid')
  id: string;

  @Column('text')
  tenant: string;

  @Column('text')
  name: string;

  @Column('text')
  role: ApiKeyRole;

  @Column('bytea', { name: 'key_hash', unique: true, select: false })
  keyHash: Buffer;

  @Column('text', { name: 'key_prefix' })
  keyPrefix: string;

  @CreateDateColumn({ name: 'created_at', type: 'timestamptz' })
  createdAt: Date;

  @Column('timestamptz', { name: 'last_used_at', nullable: true })
  lastUsedAt: Date | null;

  @Column('timestamptz', { name: 'revoked_at', nullable: true })
  revokedAt: Date | null;
}
