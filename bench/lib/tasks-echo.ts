import { Client } from 'pg';
import { TASKYARD_TASKS } from './tasks-api.js';
import { CpuMeter, type CpuUse, databaseNameOf } from './tasks-cpu.js';
import {
  type EchoOptions,
  type EchoRun,
  measureEchoLoops,
  warmUpEcho,
} from './tasks-echo-loops.js';
import type { HttpClient } from './tasks-http.js';

/** The echo scenario against Taskyard: the client loops' figures plus its database's work. */
export interface EchoResult extends EchoRun {
  /** Activity of the service's database over the measured phase, per task (pg_stat_database). */
  perTask: DatabaseActivity;
  cpu: CpuUse;
}

/** Counters of pg_stat_database (shared-memory stats: flushed by each backend within ~1-10 s). */
export interface DatabaseActivity {
  commits: number;
  rollbacks: number;
  inserted: number;
  updated: number;
  deleted: number;
}

async function databaseActivity(url: string): Promise<DatabaseActivity> {
  const client = new Client({ connectionString: url });
  await client.connect();
  try {
    const { rows } = await client.query<Record<keyof DatabaseActivity, string>>(
      `SELECT xact_commit AS commits, xact_rollback AS rollbacks, tup_inserted AS inserted,
              tup_updated AS updated, tup_deleted AS deleted
         FROM pg_stat_database WHERE datname = current_database()`,
    );
    const row = rows[0];
    return {
      commits: Number(row.commits),
      rollbacks: Number(row.rollbacks),
      inserted: Number(row.inserted),
      updated: Number(row.updated),
      deleted: Number(row.deleted),
    };
  } finally {
    await client.end();
  }
}

function perTask(before: DatabaseActivity, after: DatabaseActivity, tasks: number) {
  const keys = Object.keys(before) as (keyof DatabaseActivity)[];
  return Object.fromEntries(
    keys.map((key) => [key, (after[key] - before[key]) / tasks]),
  ) as unknown as DatabaseActivity;
}

/**
 * The echo client loops (measureEchoLoops) against the Taskyard service, after a warm-up, with the
 * CPU and database work of the measured phase.
 */
export async function measureEcho(
  client: HttpClient,
  service: { pid: number; databaseUrl: string },
  options: EchoOptions,
): Promise<EchoResult> {
  await warmUpEcho(client, TASKYARD_TASKS, options);
  // Lets the backends flush the warm-up's statistics (at most once a second when busy).
  await new Promise((resolve) => setTimeout(resolve, 1100));
  const activity = await databaseActivity(service.databaseUrl);
  const meter = new CpuMeter(service.pid, databaseNameOf(service.databaseUrl));
  const run = await measureEchoLoops(client, TASKYARD_TASKS, options);
  const cpu = meter.read();
  await new Promise((resolve) => setTimeout(resolve, 1100));
  const activityAfter = await databaseActivity(service.databaseUrl);
  return { ...run, perTask: perTask(activity, activityAfter, run.tasks), cpu };
}
