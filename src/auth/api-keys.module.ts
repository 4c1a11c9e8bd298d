import { Module } from '@nestjs/common';
import { ApiKeysRepository } from './api-keys.repository.js';
import { ApiKeysService } from './api-keys.service.js';

/** API keys without HTTP: the auth module and the keys CLI share it. */
@Module({
  providers: [ApiKeysRepository, ApiKeysService],
  exports: [ApiKeysService, ApiKeysRepository],
})
export class ApiKeysModule {}
