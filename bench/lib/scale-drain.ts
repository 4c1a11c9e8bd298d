import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { setTimeout as sleep } from 'node:timers/promises';
import { Injectable, Module } from '@nestjs/common';
import type { Client } from 'pg';
import { createApp } from '../../src/app.js';
import { loadConfig } from '../../src/config/load-config.js';
import { JobHandler } from '../../src/jobs/job-handler.decorator.js';
import { createRootLogger } from '../../src/logging/root-logger.js';
import { BACKLOG_JOB_TYPE } from './scale-fill.js';

const POLL_MS = 200;
/** No job finishing for this long ends the drain with an error. */
const STALL_MS = 30_000;

@Injectable()
class NoopHandler {
  @JobHandler(BACKLOG_JOB_TYPE)
  handle(): void {}
}

@Module({ providers: [NoopHandler] })
class NoopHandlerModule {}

export interface DrainResult {
  /** Jobs the database holds as succeeded once the worker has stopped. */
  succeeded: number;
  /** From the worker's start until `target` jobs were seen succeeded. */
  wallSeconds: number;
  /** Succeeded jobs / (last finished_at − first finished_at): from the committed rows alone. */
  perSecond: number;
}

/**
 * The backlog's succeeded jobs. The BRIN index on finished_at skips the ranges that only hold
 * unfinished jobs, so polling does not read the whole backlog each time.
 */
const SUCCEEDED = `
SELECT count(*)::int AS n,
       coalesce(extract(epoch FROM max(finished_at) - min(finished_at)), 0)::float8 AS seconds
FROM jobs WHERE finished_at IS NOT NULL AND status = 'succeeded' AND type = $1`;

async function succeeded(db: Client): Promise<{ n: number; seconds: number }> {
  const { rows } = await db.query<{ n: number; seconds: number }>(SUCCEEDED, [BACKLOG_JOB_TYPE]);
  return rows[0];
}

/**
 * Runs Taskyard's worker (the real application, ROLE=worker, in this process) with a no-op
 * handler on the database at `url` until `target` jobs of the backlog have committed as succeeded.
 */
export async function drain(
  url: string,
  db: Client,
  target: number,
  env: Record<string, string>,
): Promise<DrainResult> {
  const dataDir = await mkdtemp(path.join(tmpdir(), 'taskyard-bench-scale-'));
  const config = loadConfig(
    {
      DATABASE_URL: url,
      ROLE: 'worker',
      LOG_LEVEL: 'error',
      DOCS_ENABLED: 'false',
      DATA_DIR: dataDir,
      ...env,
    },
    null,
  );
  const app = await createApp(config, createRootLogger(config.logLevel, false), {
    providers: [NoopHandlerModule],
  });
  let wallSeconds = 0;
  try {
    const started = performance.now();
    await app.init();
    let seen = { n: 0, at: performance.now() };
    for (let n = 0; n < target; n = (await succeeded(db)).n) {
      if (n > seen.n) seen = { n, at: performance.now() };
      if (performance.now() - seen.at > STALL_MS) throw new Error(`drain stalled at ${n} jobs`);
      await sleep(POLL_MS);
    }
    wallSeconds = (performance.now() - started) / 1000;
  } finally {
    await app.close();
    await rm(dataDir, { recursive: true, force: true });
  }
  const done = await succeeded(db);
  return { succeeded: done.n, wallSeconds, perSecond: done.n / done.seconds };
}
