import { Module } from '@nestjs/common';
import { WebhooksController } from './webhooks.controller.js';
import { WebhooksRepository } from './webhooks.repository.js';
import { WebhooksService } from './webhooks.service.js';

/** Webhook endpoints per tenant, for API roles. */
@Module({
  providers: [WebhooksRepository, WebhooksService],
  controllers: [WebhooksController],
})
export class WebhooksApiModule {}
