import { Body, Controller, Delete, Get, HttpCode, Param, Patch, Post } from '@nestjs/common';
import {
  ApiCreatedResponse,
  ApiNoContentResponse,
  ApiOkResponse,
  ApiOperation,
  ApiParam,
  ApiTags,
} from '@nestjs/swagger';
import type { Caller } from '../auth/api-key.js';
import { CurrentCaller } from '../auth/auth.decorators.js';
import { ApiKeyAuth, CachedOkResponse, ProblemResponses } from '../http/openapi.js';
import { IdParam } from '../http/params.js';
import {
  CallbackSecretDto,
  CreatedWebhookDto,
  CreateWebhookDto,
  UpdateWebhookDto,
  WebhookDeliveryDto,
  WebhookDto,
} from './webhooks.dto.js';
import {
  type WebhookDeliveryView,
  type WebhookEndpointView,
  WebhooksService,
} from './webhooks.service.js';

const WEBHOOK_ID = new IdParam('webhook');

const WebhookIdParam = (): MethodDecorator =>
  ApiParam({ name: 'id', format: 'uuid', description: 'The webhook endpoint id.' });

@ApiTags('webhooks')
@ApiKeyAuth()
@Controller('webhooks')
export class WebhooksController {
  constructor(private readonly webhooks: WebhooksService) {}

  @Post()
  @ApiOperation({ operationId: 'createWebhook', summary: 'Register a webhook endpoint' })
  @ApiCreatedResponse({ type: CreatedWebhookDto, description: 'With its secret, shown only here.' })
  @ProblemResponses(422)
  create(@CurrentCaller() caller: Caller, @Body() body: CreateWebhookDto) {
    return this.webhooks.create(caller, body);
  }

  @Get()
  @ApiOperation({ operationId: 'listWebhooks', summary: "The tenant's webhook endpoints" })
  @CachedOkResponse({ type: WebhookDto, isArray: true })
  list(@CurrentCaller() caller: Caller): Promise<WebhookEndpointView[]> {
    return this.webhooks.list(caller);
  }

  /** Before `:id`, whose id pipe would refuse `default`. */
  @Get('default/secret')
  @ApiOperation({
    operationId: 'getCallbackSecret',
    summary: "The secret that signs the tenant's task callbacks (made on first use)",
  })
  @CachedOkResponse({ type: CallbackSecretDto })
  callbackSecret(@CurrentCaller() caller: Caller): Promise<{ secret: string }> {
    return this.webhooks.callbackSecret(caller);
  }

  @Get(':id')
  @ApiOperation({ operationId: 'getWebhook', summary: 'A webhook endpoint' })
  @WebhookIdParam()
  @CachedOkResponse({ type: WebhookDto })
  @ProblemResponses(404)
  get(
    @CurrentCaller() caller: Caller,
    @Param('id', WEBHOOK_ID) id: string,
  ): Promise<WebhookEndpointView> {
    return this.webhooks.get(caller, id);
  }

  @Patch(':id')
  @ApiOperation({ operationId: 'updateWebhook', summary: "Change an endpoint's URL or events" })
  @WebhookIdParam()
  @ApiOkResponse({ type: WebhookDto })
  @ProblemResponses(404, 422)
  update(
    @CurrentCaller() caller: Caller,
    @Param('id', WEBHOOK_ID) id: string,
    @Body() body: UpdateWebhookDto,
  ): Promise<WebhookEndpointView> {
    return this.webhooks.update(caller, id, body);
  }

  @Delete(':id')
  @HttpCode(204)
  @ApiOperation({ operationId: 'deleteWebhook', summary: 'Remove an endpoint and its deliveries' })
  @WebhookIdParam()
  @ApiNoContentResponse({ description: 'Removed.' })
  @ProblemResponses(404)
  delete(@CurrentCaller() caller: Caller, @Param('id', WEBHOOK_ID) id: string): Promise<void> {
    return this.webhooks.delete(caller, id);
  }

  @Get(':id/deliveries')
  @ApiOperation({
    operationId: 'listWebhookDeliveries',
    summary: "An endpoint's delivery attempts, latest first (the last 100)",
  })
  @WebhookIdParam()
  @CachedOkResponse({ type: WebhookDeliveryDto, isArray: true })
  @ProblemResponses(404)
  deliveries(
    @CurrentCaller() caller: Caller,
    @Param('id', WEBHOOK_ID) id: string,
  ): Promise<WebhookDeliveryView[]> {
    return this.webhooks.deliveries(caller, id);
  }
}
