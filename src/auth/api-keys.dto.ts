import { ApiProperty, ApiSchema } from '@nestjs/swagger';
import { IsIn, IsOptional, IsString, Length, Matches } from 'class-validator';
import { ApiTimestamp } from '../http/openapi.js';
import { API_KEY_ROLES, type ApiKeyRole, TENANT_PATTERN } from './api-key.js';
import type { ApiKeyView } from './api-keys.controller.js';

@ApiSchema({ name: 'CreateApiKey' })
export class CreateApiKeyDto {
  @ApiProperty({ pattern: TENANT_PATTERN.source, example: 'acme' })
  @Matches(TENANT_PATTERN, {
    message:
      'tenant must be 1 to 63 lowercase letters, digits, "_" or "-", starting with a letter or digit',
  })
  tenant: string;

  @ApiProperty({ minLength: 1, maxLength: 200, example: 'ci' })
  @IsString()
  @Length(1, 200)
  name: string;

  @ApiProperty({ enum: API_KEY_ROLES, default: 'user', required: false })
  @IsOptional()
  @IsIn(API_KEY_ROLES)
  role: ApiKeyRole = 'user';
}

export class ApiKeyIdParam {
  @ApiProperty({ format: 'uuid', description: 'The key id (not the key).' })
  @Matches(/^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i, {
    message: 'id must be a UUID',
  })
  id: string;
}

@ApiSchema({ name: 'ApiKey' })
export class ApiKeyViewDto implements ApiKeyView {
  @ApiProperty({ format: 'uuid' })
  id: string;

  @ApiProperty({ example: 'acme' })
  tenant: string;

  @ApiProperty({ example: 'ci' })
  name: string;

  @ApiProperty({ enum: API_KEY_ROLES })
  role: ApiKeyRole;

  @ApiProperty({
    description: 'The first characters of the key, to recognise it.',
    example: 'ty_Xk3q9a',
  })
  prefix: string;

  @ApiTimestamp()
  createdAt: Date;

  @ApiTimestamp({ nullable: true })
  lastUsedAt: Date | null;

  @ApiTimestamp({ nullable: true })
  revokedAt: Date | null;
}

@ApiSchema({ name: 'CreatedApiKey' })
export class CreatedApiKeyDto extends ApiKeyViewDto {
  @ApiProperty({
    description: 'The key itself: shown in this answer only, stored hashed.',
    example: 'ty_Xk3q9aV1hN2…',
  })
  key: string;
}
