import 'reflect-metadata';
import { readdir, writeFile } from 'node:fs/promises';
import path from 'node:path';
import { DataSource } from 'typeorm';
import { loadConfig } from '../config/load-config.js';
import { createRootLogger } from '../logging/root-logger.js';
import { dataSourceOptions } from './data-source-options.js';
import { EmbeddedPostgres } from './embedded-postgres.js';
import { MIGRATIONS_DIR, runMigrations } from './migrator.js';
import { migrationTarget } from './startup-migrations.js';

const USAGE = 'usage: migration-cli run | create <snake_case_name>';

/** `npm run migration:run` and `npm run migration:create -- <name>`. */
async function main([command, name]: string[]): Promise<void> {
  if (command === 'create' && name) return create(name);
  if (command === 'run') return run();
  throw new Error(USAGE);
}

async function run(): Promise<void> {
  let config = loadConfig();
  const logger = createRootLogger(config.logLevel);
  // Without DATABASE_URL: the embedded server (shared with a running service on the same DATA_DIR).
  const embedded = config.database.url
    ? undefined
    : await EmbeddedPostgres.start(config.dataDir, logger);
  if (embedded) config = config.withDatabaseUrl(embedded.url);
  const dataSource = new DataSource(dataSourceOptions(config, migrationTarget(config.database)));
  try {
    await dataSource.initialize();
    const applied = await runMigrations(dataSource, config.database.schema);
    logger.info(
      { applied: applied.map((m) => `${m.version}_${m.name}`) },
      `${applied.length} migration(s) applied`,
    );
  } finally {
    if (dataSource.isInitialized) await dataSource.destroy();
    await embedded?.stop();
  }
}

async function create(name: string): Promise<void> {
  if (!/^[a-z0-9_]+$/.test(name)) throw new Error(`"${name}" is not snake_case. ${USAGE}`);
  const versions = (await readdir(MIGRATIONS_DIR))
    .map((file) => Number.parseInt(file.slice(0, 4), 10))
    .filter(Number.isInteger);
  const next = String(Math.max(0, ...versions) + 1).padStart(4, '0');
  const file = path.join(MIGRATIONS_DIR, `${next}_${name}.sql`);
  await writeFile(file, `-- ${name.replaceAll('_', ' ')}\n\n`, { flag: 'wx' });
  process.stdout.write(`${path.relative(process.cwd(), file)}\n`);
}

main(process.argv.slice(2)).catch((error: unknown) => {
  process.stderr.write(`${error instanceof Error ? error.message : String(error)}\n`);
  process.exitCode = 1;
});
