import { Controller, Get } from '@nestjs/common';
import { ApiOperation, ApiProperty, ApiSchema, ApiTags } from '@nestjs/swagger';
import { ApiKeyAuth, CachedOkResponse } from '../http/openapi.js';
import { API_KEY_ROLES, type ApiKeyRole, type Caller } from './api-key.js';
import { CurrentCaller } from './auth.decorators.js';

@ApiSchema({ name: 'Me' })
class MeDto implements Caller {
  @ApiProperty({ format: 'uuid', description: 'The id of the key the request was made with.' })
  keyId: string;

  @ApiProperty({ example: 'acme', description: "The key's tenant." })
  tenant: string;

  @ApiProperty({
    enum: API_KEY_ROLES,
    description: 'An admin key also reaches the /admin routes and every tenant.',
  })
  role: ApiKeyRole;
}

/** Who the key is: a browser UI asks once, to know whether to show the admin views. */
@ApiTags('auth')
@ApiKeyAuth()
@Controller('me')
export class MeController {
  @Get()
  @ApiOperation({ operationId: 'getMe', summary: 'The key the request is made with (any key)' })
  @CachedOkResponse({ type: MeDto })
  me(@CurrentCaller() caller: Caller): Caller {
    return { keyId: caller.keyId, tenant: caller.tenant, role: caller.role };
  }
}
