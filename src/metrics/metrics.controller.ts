import { Public } from '../auth/auth.decorators.js';
import { Controller, Get, Header } from '@nestjs/common';
import { ApiOperation, ApiTags } from '@nestjs/swagger';
import { API_KEY_SCHEME, CachedOkResponse, ProblemResponses } from '../http/openapi.js';
import { MetricsRegistry } from './metrics.registry.js';

@ApiTags('metrics')
@Public('metrics')
@Controller('metrics')
export class MetricsController {
  constructor(private readonly metrics: MetricsRegistry) {}

  @Get()
  @Header('Content-Type', 'text/plain; version=0.0.4; charset=utf-8')
  @ApiOperation({
    operationId: 'getMetrics',
    summary: 'Prometheus metrics',
    description:
      'Open to anyone, unless METRICS_REQUIRE_KEY is set: then an admin key is needed (401 ' +
      'without one, 404 for a user key).',
    security: [{}, { [API_KEY_SCHEME]: [] }],
  })
  @CachedOkResponse({
    description: 'The Prometheus text exposition format.',
    content: { 'text/plain; version=0.0.4': { schema: { type: 'string' } } },
  })
  @ProblemResponses(401, 404, 429, 503)
  scrape(): Promise<string> {
    return this.metrics.metrics();
  }
}
