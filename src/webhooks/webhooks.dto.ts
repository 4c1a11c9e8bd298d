import { applyDecorators } from '@nestjs/common';
import { ApiProperty, ApiPropertyOptional, ApiSchema } from '@nestjs/swagger';
import {
  ArrayMaxSize,
  ArrayNotEmpty,
  ArrayUnique,
  IsArray,
  IsIn,
  IsOptional,
  IsUrl,
  Matches,
  MaxLength,
} from 'class-validator';
import { ApiTimestamp } from '../http/openapi.js';
import { HOOK_URL_RULES } from './hook-url.js';
import { DELIVERY_OUTCOMES } from './webhook-delivery.entity.js';
import { WEBHOOK_EVENT_TYPES } from './webhook-events.js';
import { SECRET_PATTERN } from './webhook-signature.js';

const URL_MESSAGE = 'url must be an http or https URL';

const IsHookUrl = (): PropertyDecorator =>
  applyDecorators(IsUrl(HOOK_URL_RULES, { message: URL_MESSAGE }), MaxLength(2000));

/** One or more known event types, each once. */
const IsEventList = (): PropertyDecorator =>
  applyDecorators(
    IsArray(),
    ArrayNotEmpty(),
    ArrayUnique(),
    ArrayMaxSize(WEBHOOK_EVENT_TYPES.length),
    IsIn(WEBHOOK_EVENT_TYPES, { each: true }),
  );

const URL_DOC = {
  format: 'uri',
  maxLength: 2000,
  example: 'https://example.com/hooks/taskyard',
  description: 'Where events are POSTed. Private and loopback addresses are refused at delivery.',
};

const EVENTS_DOC = {
  enum: WEBHOOK_EVENT_TYPES,
  isArray: true,
  example: ['task.succeeded', 'task.failed'],
  description: 'The task events sent to this endpoint.',
};

@ApiSchema({ name: 'CreateWebhook' })
export class CreateWebhookDto {
  @ApiProperty(URL_DOC)
  @IsHookUrl()
  url: string;

  @ApiProperty(EVENTS_DOC)
  @IsEventList()
  events: string[];

  @ApiPropertyOptional({
    pattern: SECRET_PATTERN.source,
    description: 'The signing secret, `whsec_` and 24 to 64 bytes in base64; made when left out.',
  })
  @IsOptional()
  @Matches(SECRET_PATTERN, { message: 'secret must be whsec_ and 24 to 64 bytes in base64' })
  secret?: string;
}

@ApiSchema({ name: 'UpdateWebhook' })
export class UpdateWebhookDto {
  @ApiPropertyOptional(URL_DOC)
  @IsOptional()
  @IsHookUrl()
  url?: string;

  @ApiPropertyOptional(EVENTS_DOC)
  @IsOptional()
  @IsEventList()
  events?: string[];
}

@ApiSchema({ name: 'Webhook' })
export class WebhookDto {
  @ApiProperty({ format: 'uuid' })
  id: string;

  @ApiProperty({ example: 'acme' })
  tenant: string;

  @ApiProperty({ format: 'uri' })
  url: string;

  @ApiProperty({ enum: WEBHOOK_EVENT_TYPES, isArray: true })
  events: string[];

  @ApiTimestamp()
  createdAt: string;

  @ApiTimestamp()
  updatedAt: string;
}

@ApiSchema({ name: 'CreatedWebhook' })
export class CreatedWebhookDto extends WebhookDto {
  @ApiProperty({
    example: 'whsec_MfKQ9r8GKYqrTwjUPD8ILPZIo2LaLaSw',
    description: 'The signing secret: shown here only, never again.',
  })
  secret: string;
}

@ApiSchema({ name: 'WebhookDelivery' })
export class WebhookDeliveryDto {
  @ApiProperty({ example: '42' })
  id: string;

  @ApiProperty({ description: 'The webhook-id header: the same for every attempt of one event.' })
  messageId: string;

  @ApiProperty({ enum: WEBHOOK_EVENT_TYPES })
  eventType: string;

  @ApiProperty({ type: 'integer', minimum: 1 })
  attempt: number;

  @ApiProperty({
    enum: DELIVERY_OUTCOMES,
    description: 'refused: the destination is an address deliveries may not reach.',
  })
  outcome: string;

  @ApiProperty({ type: 'integer', nullable: true, description: 'Null when no answer came.' })
  statusCode: number | null;

  @ApiProperty({ type: 'integer', minimum: 0 })
  durationMs: number;

  @ApiProperty({ type: 'string', nullable: true })
  error: string | null;

  @ApiTimestamp()
  at: string;
}

@ApiSchema({ name: 'CallbackSecret' })
export class CallbackSecretDto {
  @ApiProperty({
    example: 'whsec_MfKQ9r8GKYqrTwjUPD8ILPZIo2LaLaSw',
    description: "Signs every callback of the tenant's tasks; the same on every read.",
  })
  secret: string;
}
