import { ApiProperty } from '@nestjs/swagger';
import { IsIn, IsOptional, IsString, Length, Matches } from 'class-validator';
import { API_KEY_ROLES, type ApiKeyRole, TENANT_PATTERN } from './api-key.js';

export class CreateApiKeyDto {
  @ApiProperty({ example: 'acme' })
  @Matches(TENANT_PATTERN, {
    message:
      'tenant must be 1 to 63 lowercase letters, digits, "_" or "-", starting with a letter or digit',
  })
  tenant: string;

  @ApiProperty({ example: 'ci' })
  @IsString()
  @Length(1, 200)
  name: string;

  @ApiProperty({ enum: API_KEY_ROLES, default: 'user' })
  @IsOptional()
  @IsIn(API_KEY_ROLES)
  role: ApiKeyRole = 'user';
}

export class ApiKeyIdParam {
  @Matches(/^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i, {
    message: 'id must be a UUID',
  })
  id: string;
}
