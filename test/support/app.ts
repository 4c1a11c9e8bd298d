import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import type { Type } from '@nestjs/common';
import type { NestExpressApplication } from '@nestjs/platform-express';
import type { SpanExporter } from '@opentelemetry/sdk-trace-base';
import { createApp } from '../../src/app.js';
import type { AppConfig } from '../../src/config/app-config.js';
import { loadConfig } from '../../src/config/load-config.js';
import { createRootLogger } from '../../src/logging/root-logger.js';
import { TEST_ADMIN_KEY } from './auth.js';
import { createTestDatabase, type TestDatabase } from './database.js';

export interface TestApp {
  app: NestExpressApplication;
  config: AppConfig;
  database: TestDatabase;
  /** http://127.0.0.1:PORT, for supertest. */
  baseUrl: string;
  close(): Promise<void>;
}

export interface TestAppOptions {
  /** Settings as environment variables, over the test defaults. */
  env?: Record<string, string>;
  /** Share a database made by the test file instead of making one. */
  database?: TestDatabase;
  /** Modules mounted under the API prefix. */
  apiModules?: Type[];
  /** Modules beside the application's own, e.g. job handlers. */
  modules?: Type[];
  /** Traces on, their spans sent here. */
  traceExporter?: SpanExporter;
}

/** Boots the real application on a random port against a database of its own. */
export async function startTestApp(options: TestAppOptions = {}): Promise<TestApp> {
  const database = options.database ?? (await createTestDatabase());
  const dataDir = await mkdtemp(path.join(tmpdir(), 'taskyard-test-data-'));
  const config = loadConfig(
    {
      PORT: '0',
      HOST: '127.0.0.1',
      DATA_DIR: dataDir,
      LOG_LEVEL: process.env.TEST_LOG_LEVEL ?? 'silent',
      DATABASE_URL: database.url,
      ADMIN_API_KEY: TEST_ADMIN_KEY,
      // The app shares its heap with the jest worker, which grows past the default 1 GB as it runs
      // file after file: readiness would say 503 for that. A test of the heap check sets its own.
      HEALTH_MAX_HEAP_MB: '16384',
      // The hourly retention job would add a job (and a "default" queue) to whichever test runs at
      // minute 17; tests of retention run it themselves. February 29th comes every fourth year.
      JOBS_RETENTION_CRON: '0 0 29 2 *',
      ...options.env,
    },
    null,
  );
  const app = await createApp(config, createRootLogger(config.logLevel, false), {
    api: options.apiModules,
    providers: options.modules,
    traceExporter: options.traceExporter,
  });
  await app.listen(0, '127.0.0.1').catch(async (error: unknown) => {
    // A start-up that fails (a test of a refusal) must not leave its pools and timers behind.
    await app.close().catch(() => undefined);
    await rm(dataDir, { recursive: true, force: true });
    throw error;
  });
  const address = app.getHttpServer().address();
  if (typeof address !== 'object' || !address) throw new Error('the test app is not listening');
  return {
    app,
    config,
    database,
    baseUrl: `http://127.0.0.1:${address.port}`,
    close: async () => {
      await app.close();
      if (!options.database) await database.drop();
      await rm(dataDir, { recursive: true, force: true });
    },
  };
}
