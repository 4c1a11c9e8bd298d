import { Body, Controller, Delete, Get, HttpCode, Param, Post } from '@nestjs/common';
import { ApiCreatedResponse, ApiOkResponse, ApiOperation, ApiTags } from '@nestjs/swagger';
import { ApiKeyAuth, CachedOkResponse, ProblemResponses } from '../http/openapi.js';
import { ProblemException } from '../http/problem.js';
import type { ApiKeyRow } from './api-keys.repository.js';
import { ApiKeyIdParam, ApiKeyViewDto, CreateApiKeyDto, CreatedApiKeyDto } from './api-keys.dto.js';
import { ApiKeysService } from './api-keys.service.js';
import { AdminOnly } from './auth.decorators.js';

export interface ApiKeyView {
  id: string;
  tenant: string;
  name: string;
  role: string;
  prefix: string;
  createdAt: Date;
  lastUsedAt: Date | null;
  revokedAt: Date | null;
}

@ApiTags('admin')
@ApiKeyAuth()
@ProblemResponses(404)
@AdminOnly()
@Controller('admin/keys')
export class ApiKeysController {
  constructor(private readonly keys: ApiKeysService) {}

  /** The key itself is in this answer only. */
  @Post()
  @ApiOperation({ operationId: 'createApiKey', summary: 'Make an API key (admin)' })
  @ApiCreatedResponse({ type: CreatedApiKeyDto })
  @ProblemResponses(422)
  async create(@Body() body: CreateApiKeyDto): Promise<ApiKeyView & { key: string }> {
    const { key, record } = await this.keys.create(body.tenant, body.name, body.role);
    return { ...toView(record), key };
  }

  @Get()
  @ApiOperation({
    operationId: 'listApiKeys',
    summary: 'Every API key, revoked ones included (admin)',
  })
  @CachedOkResponse({ type: [ApiKeyViewDto] })
  async list(): Promise<ApiKeyView[]> {
    return (await this.keys.list()).map(toView);
  }

  @Delete(':id')
  @HttpCode(200)
  @ApiOperation({ operationId: 'revokeApiKey', summary: 'Revoke an API key (admin)' })
  @ApiOkResponse({ type: ApiKeyViewDto, description: 'The key, revoked.' })
  @ProblemResponses(422)
  async revoke(@Param() { id }: ApiKeyIdParam): Promise<ApiKeyView> {
    const revoked = await this.keys.revoke(id);
    if (!revoked) {
      throw new ProblemException({ status: 404, detail: `There is no API key with id ${id}.` });
    }
    return toView(revoked);
  }
}

export function toView(row: ApiKeyRow): ApiKeyView {
  return {
    id: row.id,
    tenant: row.tenant,
    name: row.name,
    role: row.role,
    prefix: row.keyPrefix,
    createdAt: row.createdAt,
    lastUsedAt: row.lastUsedAt,
    revokedAt: row.revokedAt,
  };
}
