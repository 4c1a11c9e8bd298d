import { Module } from '@nestjs/common';
import { WebhookJobs } from './webhook-jobs.js';
import { WebhooksController } from './webhooks.controller.js';
import { WebhooksRepository } from './webhooks.repository.js';
import { WebhooksService } from './webhooks.service.js';

/** Webhook deliveries: the queue's jobs that POST task events (run by worker roles). */
@Module({
  providers: [WebhooksRepository, WebhookJobs],
  exports: [WebhooksRepository],
})
export class WebhooksModule {}

/** Webhook endpoints per tenant, for API roles. */
@Module({
  imports: [WebhooksModule],
  providers: [WebhooksService],
  controllers: [WebhooksController],
})
export class WebhooksApiModule {}
