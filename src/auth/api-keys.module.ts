import { Module } from '@nestjs/common';
import { ApiKeysRepository } from './api-keys.repository.js';
import { ApiKeysService } from './api-keys.service.js';
import { KeyAuthenticator } from './key-authenticator.js';

/** API keys without HTTP: the auth module and the keys CLI share it. */
@Module({
  providers: [ApiKeysRepository, ApiKeysService, KeyAuthenticator],
  exports: [ApiKeysService, ApiKeysRepository, KeyAuthenticator],
})
export class ApiKeysModule {}
