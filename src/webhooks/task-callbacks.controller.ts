import { Controller, Get, Param } from '@nestjs/common';
import { ApiOperation, ApiParam, ApiTags } from '@nestjs/swagger';
import type { Caller } from '../auth/api-key.js';
import { CurrentCaller } from '../auth/auth.decorators.js';
import { ApiKeyAuth, CachedOkResponse, ProblemResponses } from '../http/openapi.js';
import { IdParam } from '../http/params.js';
import { WebhookDeliveryDto } from './webhooks.dto.js';
import { type WebhookDeliveryView, WebhooksService } from './webhooks.service.js';

const TASK_ID = new IdParam('task');

/** The attempts to deliver a task's events to its own callbackUrl. */
@ApiTags('tasks')
@ApiKeyAuth()
@Controller('tasks')
export class TaskCallbacksController {
  constructor(private readonly webhooks: WebhooksService) {}

  @Get(':id/callbacks')
  @ApiParam({ name: 'id', format: 'uuid', description: 'The task id.' })
  @ApiOperation({
    operationId: 'listTaskCallbacks',
    summary: "The attempts to POST a task's events to its callbackUrl, latest first (the last 100)",
  })
  @CachedOkResponse({ type: WebhookDeliveryDto, isArray: true })
  @ProblemResponses(404)
  callbacks(
    @CurrentCaller() caller: Caller,
    @Param('id', TASK_ID) id: string,
  ): Promise<WebhookDeliveryView[]> {
    return this.webhooks.callbackAttempts(caller, id);
  }
}
