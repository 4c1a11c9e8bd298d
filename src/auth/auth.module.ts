import { Module } from '@nestjs/common';
import { APP_GUARD } from '@nestjs/core';
import { ApiKeysBootstrap } from './api-keys.bootstrap.js';
import { ApiKeysController } from './api-keys.controller.js';
import { ApiKeysModule } from './api-keys.module.js';
import { AuthGuard } from './auth.guard.js';
import { MeController } from './me.controller.js';
import { RateLimitGuard } from './rate-limit.guard.js';

/**
 * API-key authentication for every route, then a rate limit per key. Global guards run in the
 * order they are provided: the limit needs the caller that the first one finds.
 */
@Module({
  imports: [ApiKeysModule],
  controllers: [ApiKeysController, MeController],
  providers: [
    ApiKeysBootstrap,
    { provide: APP_GUARD, useClass: AuthGuard },
    { provide: APP_GUARD, useClass: RateLimitGuard },
  ],
})
export class AuthModule {}
