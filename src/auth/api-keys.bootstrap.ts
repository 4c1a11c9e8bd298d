import { Injectable, type OnApplicationBootstrap } from '@nestjs/common';
import { AppConfig } from '../config/app-config.js';
import { generateApiKey, hashApiKey, keyPrefix } from './api-key.js';
import { ApiKeysRepository } from './api-keys.repository.js';

/**
 * At start-up of an API process: stores ADMIN_API_KEY, or, when no key exists at all, creates one
 * admin key, which the start-up banner shows once, so that a fresh install is usable without SQL.
 */
@Injectable()
export class ApiKeysBootstrap implements OnApplicationBootstrap {
  /** The admin key this start created, if it did: only its hash is stored. */
  createdKey?: string;

  constructor(
    private readonly keys: ApiKeysRepository,
    private readonly config: AppConfig,
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
    if (seeded && created) this.createdKey = created;
  }
}
