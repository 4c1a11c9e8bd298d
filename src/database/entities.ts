import { ApiKeyEntity } from '../auth/api-key.entity.js';
import { FileEntity } from '../files/file.entity.js';
import { ScheduleEntity } from '../schedules/schedule.entity.js';
import { TaskEventEntity } from '../tasks/task-event.entity.js';
import { TaskEntity } from '../tasks/task.entity.js';
import { TenantLimitsEntity } from '../tenants/tenant-limits.entity.js';
import { WebhookCallbackSecretEntity } from '../webhooks/webhook-callback-secret.entity.js';
import { WebhookDeliveryEntity } from '../webhooks/webhook-delivery.entity.js';
import { WebhookEndpointEntity } from '../webhooks/webhook-endpoint.entity.js';

/**
 * The tables served by TypeORM repositories. Their schema is still the SQL in migrations/ (never
 * synchronize); test/e2e/entities.spec.ts checks that these classes match it. The queue's tables
 * (src/jobs) and the registry of worker processes (src/worker) have no entities: every statement
 * on them is hand-written.
 */
export const ENTITIES = [
  ApiKeyEntity,
  FileEntity,
  TaskEntity,
  TaskEventEntity,
  TenantLimitsEntity,
  WebhookEndpointEntity,
  WebhookDeliveryEntity,
  WebhookCallbackSecretEntity,
  ScheduleEntity,
];
