import { Injectable, type OnApplicationBootstrap } from '@nestjs/common';
import { InjectPinoLogger, PinoLogger } from 'nestjs-pino';
import { AppConfig } from '../config/app-config.js';
import { generateApiKey, hashApiKey, keyPrefix } from './api-key.js';
import { ApiKeysRepository } from './api-keys.repository.js';

/**
 * At start-up of an API process: stores ADMIN_API_KEY, or, when no key exists at all, creates one
 * admin key and prints it once, so that a fresh install is usable without any SQL.
 */
@Injectable()
export class ApiKeysBootstrap implements OnApplicationBootstrap {
  constructor(
    private readonly keys: ApiKeysRepository,
    private readonly config: AppConfig,
    @InjectPinoLogger('auth') private readonly logger: PinoLogger,
  ) {}

  async onApplicationBootstrap(): Promise<void> {
    const configured = this.config.auth.adminApiKey;
    let created: string | undefined;
    const seeded = await this.keys.bootstrap(
      configured ? { hash: hashApiKey(configured), prefix: keyPrefix(configured) } : undefined,
      () => {
        created = generateApiKey();
        return { hash: hashApiKey(created), prefix: keyPrefix(created) };
      },
    );
    if (seeded && created) {
      // The one time this key can be seen: only its hash is stored.
      this.logger.warn(
        { apiKey: created },
        `No API key existed, so an admin key was created. Keep it, it is not shown again: ${created}`,
      );
    }
  }
}
