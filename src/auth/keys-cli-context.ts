import { type DynamicModule, Module } from '@nestjs/common';
import { NestFactory } from '@nestjs/core';
import type { Logger } from 'pino';
import type { AppConfig } from '../config/app-config.js';
import { ConfigModule } from '../config/config.module.js';
import { loadConfig } from '../config/load-config.js';
import { DatabaseModule } from '../database/database.module.js';
import { EmbeddedPostgres } from '../database/embedded-postgres.js';
import { LoggingModule } from '../logging/logging.module.js';
import { createRootLogger } from '../logging/root-logger.js';
import { ApiKeysModule } from './api-keys.module.js';
import { ApiKeysService } from './api-keys.service.js';

@Module({})
class KeysCliModule {
  static forRoot(config: AppConfig, logger: Logger): DynamicModule {
    return {
      module: KeysCliModule,
      imports: [
        ConfigModule.forRoot(config),
        LoggingModule.forRoot(logger),
        DatabaseModule,
        ApiKeysModule,
      ],
    };
  }
}

export interface KeysContext {
  keys: ApiKeysService;
  close(): Promise<void>;
}

/**
 * The keys service on the service's database, in an application context of its own. Without
 * DATABASE_URL, EmbeddedPostgres.start shares the server of a service running on DATA_DIR, or
 * starts one for the command (stopped again by close()).
 */
export async function openKeysContext(): Promise<KeysContext> {
  let config = loadConfig();
  const logger = createRootLogger('warn');
  const embedded = config.database.url
    ? undefined
    : await EmbeddedPostgres.start(config.dataDir, logger);
  if (embedded) config = config.withDatabaseUrl(embedded.url);
  try {
    const app = await NestFactory.createApplicationContext(KeysCliModule.forRoot(config, logger), {
      logger: ['error'],
    });
    return {
      keys: app.get(ApiKeysService),
      close: async () => {
        await app.close();
        await embedded?.stop();
      },
    };
  } catch (error) {
    await embedded?.stop();
    throw error;
  }
}
