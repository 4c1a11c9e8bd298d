import { execFile } from 'node:child_process';
import { createHash } from 'node:crypto';
import { type FileHandle, open, rm } from 'node:fs/promises';
import path from 'node:path';
import { promisify } from 'node:util';
import request from 'supertest';
import { ADMIN } from './auth.js';
import { waitFor } from './wait.js';
import type { TestDatabase } from './database.js';

/** A stored blob replaced by a FIFO: a reader gets what the test writes, and no end until it closes. */
export interface HeldInput {
  write(text: string): Promise<void>;
  /** Writes a line every `everyMs` until stop(): a read blocked on the FIFO always returns. */
  trickle(line: string, everyMs?: number): { stop(): void };
  close(): Promise<void>;
}

/** Where a blob with `content` lives in DATA_DIR (as LocalBlobStorage names it). */
export function blobPathOf(dataDir: string, content: string | Buffer): string {
  const sha256 = createHash('sha256').update(content).digest('hex');
  return path.join(dataDir, 'blobs', sha256.slice(0, 2), sha256);
}

/**
 * Swaps the blob at `blobPath` for a FIFO, so that an import of it stays under way until the test
 * says otherwise: whether it stops on cancel can then not be confused with it having finished.
 */
export async function holdBlob(blobPath: string): Promise<HeldInput> {
  await rm(blobPath);
  await promisify(execFile)('mkfifo', [blobPath]);
  // Read and write (Linux): opening does not wait for a reader, and a reader that goes away
  // does not turn the test's writes into EPIPE.
  const handle: FileHandle = await open(blobPath, 'r+');
  const write = async (text: string): Promise<void> => {
    await handle.write(text);
  };
  return {
    write,
    trickle: (line, everyMs = 50) => {
      const timer = setInterval(() => void write(line).catch(() => undefined), everyMs);
      return { stop: () => clearInterval(timer) };
    },
    close: async () => {
      await handle.close();
      await rm(blobPath, { force: true });
    },
  };
}

/** Pauses (true) or resumes (false) a queue through the admin API. */
export async function pauseQueue(baseUrl: string, queue: string, paused: boolean): Promise<void> {
  await request(baseUrl)
    .post(`/api/v1/admin/queues/${queue}/${paused ? 'pause' : 'resume'}`)
    .set(ADMIN)
    .expect(200);
}

/** COPY ... FROM commands running in `database`, with the rows each has taken so far. */
export function copiesUnderWay(database: TestDatabase): Promise<{ pid: number; rows: number }[]> {
  return database.query<{ pid: number; rows: number }>(
    `SELECT p.pid, p.tuples_processed::int AS rows FROM pg_stat_progress_copy p
     JOIN pg_database d ON d.oid = p.datid
     WHERE d.datname = current_database() AND p.command = 'COPY FROM'`,
  );
}

/**
 * Backends of `database` (other than this query's) that are copying or sit in an open
 * transaction: after a cancelled import there must be none.
 */
export function busyBackends(database: TestDatabase): Promise<{ state: string; query: string }[]> {
  return database.query<{ state: string; query: string }>(
    `SELECT state, query FROM pg_stat_activity
     WHERE datname = current_database() AND pid <> pg_backend_pid()
       AND (query ILIKE 'COPY %' AND state = 'active' OR state LIKE 'idle in transaction%')`,
  );
}

/**
 * Feeds `line` to the held input now and then, but never its end, until no backend is copying or
 * holding a transaction open: with the end never coming, only an abort can end that COPY.
 */
export async function waitForCopyToEnd(
  database: TestDatabase,
  input: HeldInput,
  line: string,
): Promise<void> {
  const trickle = input.trickle(line);
  try {
    await waitFor(
      'no backend to be copying or holding a transaction open',
      async () =>
        (await copiesUnderWay(database)).length === 0 &&
        (await busyBackends(database)).length === 0,
    );
  } finally {
    trickle.stop();
  }
}
