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
  /** The backlog's first `target` jobs, by id, that committed as succeeded. */
  succeeded: number;
  /** From the worker's start until all of them had committed as succeeded. */
  wallSeconds: number;
  /** Succeeded jobs / (last finished_at − first finished_at): from the committed rows alone. */
  perSecond: number;
}

/** The ids of the backlog's first `target` jobs (one walk of the primary key, before the drain). */
const SLICE_IDS = `
SELECT min(id)::text AS first, max(id)::text AS last
FROM (SELECT id FROM jobs WHERE type = $1 ORDER BY id LIMIT $2) slice`;

/**
 * The next job a claim would take: the claim's own index (jobs_claim_idx), so polling costs about
 * what one claim does. A count of finished jobs would read the whole backlog on each poll.
 */
const QUEUE_HEAD = `
SELECT id::text AS head FROM jobs WHERE status = 'queued' AND type = $1
ORDER BY priority DESC, run_at, id LIMIT 1`;

/** The slice's succeeded jobs and the time between the first and the last one's commit. */
const SUCCEEDED = `
SELECT count(*)::int AS n,
       coalesce(extract(epoch FROM max(finished_at) - min(finished_at)), 0)::float8 AS seconds
FROM jobs WHERE id BETWEEN $1 AND $2 AND status = 'succeeded'`;

async function succeeded(
  db: Client,
  slice: { first: string; last: string },
): Promise<{ n: number; seconds: number }> {
  const { rows } = await db.query<{ n: number; seconds: number }>(SUCCEEDED, [
    slice.first,
    slice.last,
  ]);
  return rows[0];
}

/** Waits until the queue's head is past the slice (or the queue is empty), failing on a stall. */
async function waitForClaims(db: Client, last: string): Promise<void> {
  let seen = { head: '', at: performance.now() };
  for (;;) {
    const head = (await db.query<{ head: string }>(QUEUE_HEAD, [BACKLOG_JOB_TYPE])).rows[0]?.head;
    if (head === undefined || BigInt(head) > BigInt(last)) return;
    if (head !== seen.head) seen = { head, at: performance.now() };
    if (performance.now() - seen.at > STALL_MS) throw new Error(`drain stalled at job ${head}`);
    await sleep(POLL_MS);
  }
}

/**
 * Runs Taskyard's worker (the real application, ROLE=worker, in this process) with a no-op
 * handler on the database at `url` until the backlog's first `target` jobs (by id: the claim's order,
 * as they share priority and run_at) have committed as succeeded.
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
  const { rows } = await db.query<{ first: string; last: string }>(SLICE_IDS, [
    BACKLOG_JOB_TYPE,
    target,
  ]);
  const slice = rows[0];
  let wallSeconds = 0;
  try {
    const started = performance.now();
    await app.init();
    await waitForClaims(db, slice.last);
    const claimed = performance.now();
    while ((await succeeded(db, slice)).n < target) {
      if (performance.now() - claimed > STALL_MS) throw new Error('claimed jobs did not succeed');
      await sleep(POLL_MS);
    }
    wallSeconds = (performance.now() - started) / 1000;
  } finally {
    await app.close();
    await rm(dataDir, { recursive: true, force: true });
  }
  const done = await succeeded(db, slice);
  return { succeeded: done.n, wallSeconds, perSecond: done.n / done.seconds };
}
