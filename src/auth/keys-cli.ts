import 'reflect-metadata';
import { Module, type DynamicModule } from '@nestjs/common';
import { NestFactory } from '@nestjs/core';
import { parseArgs } from 'node:util';
import type { AppConfig } from '../config/app-config.js';
import { ConfigModule } from '../config/config.module.js';
import { loadConfig } from '../config/load-config.js';
import { DatabaseModule } from '../database/database.module.js';
import { EmbeddedPostgres } from '../database/embedded-postgres.js';
import { LoggingModule } from '../logging/logging.module.js';
import { createRootLogger } from '../logging/root-logger.js';
import { TENANT_PATTERN } from './api-key.js';
import { ApiKeysModule } from './api-keys.module.js';
import { ApiKeysService } from './api-keys.service.js';

const USAGE = `usage: npm run keys -- create --tenant <tenant> --name <name> [--admin]
       npm run keys -- list [--tenant <tenant>]
       npm run keys -- revoke <id>`;

@Module({})
class KeysCliModule {
  static forRoot(config: AppConfig, logger: ReturnType<typeof createRootLogger>): DynamicModule {
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

/**
 * Manages API keys from a shell, on the database the service uses: DATABASE_URL, or the embedded
 * server in DATA_DIR (shared with a service running on it, started for the command otherwise).
 * `create` prints the new key alone on the last line.
 */
async function main(argv: string[]): Promise<void> {
  const { values, positionals } = parseArgs({
    args: argv,
    allowPositionals: true,
    options: { tenant: { type: 'string' }, name: { type: 'string' }, admin: { type: 'boolean' } },
  });
  const [command, id] = positionals;
  if (!command || !['create', 'list', 'revoke'].includes(command)) throw new Error(USAGE);
  if (command === 'create' && (!values.tenant || !values.name)) throw new Error(USAGE);
  if (values.tenant && !TENANT_PATTERN.test(values.tenant)) {
    throw new Error(`tenant must match ${TENANT_PATTERN.source}`);
  }
  if (command === 'revoke' && !id) throw new Error(USAGE);

  let config = loadConfig();
  const logger = createRootLogger('warn');
  const embedded = config.database.url
    ? undefined
    : await EmbeddedPostgres.start(config.dataDir, logger);
  if (embedded) config = config.withDatabaseUrl(embedded.url);
  const app = await NestFactory.createApplicationContext(KeysCliModule.forRoot(config, logger), {
    logger: ['error'],
  });
  try {
    const keys = app.get(ApiKeysService);
    if (command === 'create') {
      const { key, record } = await keys.create(
        values.tenant!,
        values.name!,
        values.admin ? 'admin' : 'user',
      );
      print(
        `created ${record.role} key ${record.id} for tenant ${record.tenant} (${record.name}); keep it, it is not shown again:`,
      );
      print(key);
    } else if (command === 'list') {
      for (const k of await keys.list(values.tenant)) {
        const state = k.revoked_at ? `revoked ${k.revoked_at.toISOString()}` : 'active';
        print(`${k.id}  ${k.tenant}  ${k.role}  ${k.key_prefix}…  ${k.name}  ${state}`);
      }
    } else {
      const revoked = await keys.revoke(id);
      if (!revoked) throw new Error(`There is no API key with id ${id}.`);
      print(`revoked ${revoked.id} (${revoked.tenant}, ${revoked.name})`);
    }
  } finally {
    await app.close();
    await embedded?.stop();
  }
}

function print(line: string): void {
  process.stdout.write(`${line}\n`);
}

main(process.argv.slice(2)).catch((error: unknown) => {
  process.stderr.write(`${error instanceof Error ? error.message : String(error)}\n`);
  process.exitCode = 1;
});
