import { Module } from '@nestjs/common';
import { DestinationBreakers } from './destination-breakers.js';
import { WebhookDestinationsController } from './destinations.controller.js';
import { TaskCallbacksController } from './task-callbacks.controller.js';
import { WebhookJobs } from './webhook-jobs.js';
import { WebhooksController } from './webhooks.controller.js';
import { WebhooksRepository } from './webhooks.repository.js';
import { WebhooksService } from './webhooks.service.js';

/** Webhook deliveries: the queue's jobs that POST task events (run by worker roles). */
@Module({
  providers: [WebhooksRepository, WebhookJobs, DestinationBreakers],
  exports: [WebhooksRepository, DestinationBreakers],
})
export class WebhooksModule {}

/** Webhook endpoints per tenant, for API roles. */
@Module({
  imports: [WebhooksModule],
  providers: [WebhooksService],
  controllers: [WebhooksController, WebhookDestinationsController, TaskCallbacksController],
})
export class WebhooksApiModule {}
