import { Controller, Get } from '@nestjs/common';
import { ApiOperation, ApiProperty, ApiSchema, ApiTags } from '@nestjs/swagger';
import { AdminOnly } from '../auth/auth.decorators.js';
import { ApiKeyAuth, ApiTimestamp, CachedOkResponse } from '../http/openapi.js';
import { type DestinationView, DestinationBreakers } from './destination-breakers.js';

@ApiSchema({ name: 'WebhookDestination' })
export class WebhookDestinationDto {
  @ApiProperty({ example: 'hooks.example.com:443', description: 'host:port of the endpoints' })
  destination: string;

  @ApiProperty({ enum: ['closed', 'open', 'half-open'] })
  state: string;

  @ApiTimestamp({ nullable: true, description: 'When an open breaker lets a probe through.' })
  halfOpenAt: string | null;
}

@ApiTags('admin')
@ApiKeyAuth()
@AdminOnly()
@Controller('admin/webhooks')
export class WebhookDestinationsController {
  constructor(private readonly breakers: DestinationBreakers) {}

  /** The breakers of the process that answers: each worker process keeps its own. */
  @Get('destinations')
  @ApiOperation({
    operationId: 'listWebhookDestinations',
    summary: 'Circuit breakers per webhook destination, in this process (admin)',
  })
  @CachedOkResponse({ type: WebhookDestinationDto, isArray: true })
  list(): DestinationView[] {
    return this.breakers.list();
  }
}
