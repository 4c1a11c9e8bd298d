// Flat as the tables grow: GET /api/v1/tasks latency, the worker's drain rate and a long event
// log's streaming, on a database of 1,000,000 finished tasks and 1,000,000 queued jobs, each beside
// the same measurement on a small database in the same run. Build and run: npm run bench:scale.
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { Client } from 'pg';
import { print, progressLog, section } from './lib/console.js';
import { benchServerUrl, positiveInteger } from './lib/config.js';
import { formatCount, formatMeasure, formatSettings } from './lib/format.js';
import { loadAverage, machineLines } from './lib/machine.js';
import { drain } from './lib/scale-drain.js';
import { streamEvents } from './lib/scale-events.js';
import { FILL_DESCRIPTION, FILL_TENANTS, type Filled, fill, fillJobs } from './lib/scale-fill.js';
import { type ListingResult, listings, measureListing } from './lib/scale-listing.js';
import { drainTable, eventsTable, type ListingRun, listingTable } from './lib/scale-report.js';
import { HttpClient } from './lib/tasks-http.js';
import {
  dataDirOf,
  type RunningService,
  type ServiceSettings,
  serviceEnvironment,
  startService,
} from './lib/tasks-service.js';

const progress = progressLog('bench:scale');

const config = {
  serverUrl: benchServerUrl(),
  tasks: positiveInteger('BENCH_SCALE_TASKS', 1_000_000),
  jobs: positiveInteger('BENCH_SCALE_JOBS', 1_000_000),
  events: positiveInteger('BENCH_SCALE_EVENTS', 100_000),
  drainJobs: positiveInteger('BENCH_SCALE_DRAIN_JOBS', 100_000),
  referenceJobs: positiveInteger('BENCH_SCALE_REFERENCE_JOBS', 20_000),
  smallTasks: positiveInteger('BENCH_SCALE_SMALL_TASKS', 1_000),
  smallEvents: positiveInteger('BENCH_SCALE_SMALL_EVENTS', 1_000),
  samples: positiveInteger('BENCH_SCALE_SAMPLES', 200),
  depth: positiveInteger('BENCH_SCALE_DEPTH', 10_000),
};

/** The HTTP services only serve: the drain runs its own worker, so nothing else claims jobs. */
const SETTINGS: ServiceSettings = {
  workerConcurrency: 10,
  workerPrefetch: 10,
  poolSize: 10,
  env: { ROLE: 'api' },
};
/** The drain's worker runs with the service's defaults (WORKER_CONCURRENCY, WORKER_PREFETCH…). */
const DRAIN_ENV: Record<string, string> = {};

const PLANNER_SETTINGS = ['work_mem', 'effective_cache_size', 'random_page_cost', 'jit'];

interface Side {
  name: string;
  service: RunningService;
  db: Client;
  filled: Filled;
  tenant: HttpClient;
}

async function open(service: RunningService): Promise<Client> {
  // Taskyard's tables live in its own schema (DATABASE_SCHEMA, taskyard by default).
  const db = new Client({
    connectionString: service.databaseUrl,
    options: '-c search_path=taskyard',
  });
  await db.connect();
  return db;
}

/** A user key of the first tenant, made through the admin API. */
async function tenantClient(service: RunningService): Promise<HttpClient> {
  const { body } = await service.client.json('POST', '/api/v1/admin/keys', [201], {
    json: { tenant: FILL_TENANTS[0], name: 'bench-scale', role: 'user' },
  });
  return new HttpClient(service.baseUrl, (body as { key: string }).key);
}

async function prepare(
  workDir: string,
  name: string,
  counts: { tasks: number; jobs: number; events: number },
): Promise<Side> {
  const service = await startService(
    config.serverUrl,
    `scale-${name}`,
    dataDirOf(workDir, name),
    SETTINGS,
  );
  const db = await open(service);
  try {
    progress(`filling the ${name} database`);
    const filled = await fill(db, counts, progress);
    progress(`${name}: filled in ${formatMeasure(filled.seconds)} s`);
    return { name, service, db, filled, tenant: await tenantClient(service) };
  } catch (error) {
    await db.end();
    await service.stop();
    throw error;
  }
}

async function measureListings(client: HttpClient): Promise<ListingResult[]> {
  const results: ListingResult[] = [];
  for (const listing of await listings(client, config.depth)) {
    results.push(await measureListing(client, listing, config.samples));
  }
  return results;
}

async function plannerSettings(db: Client): Promise<string> {
  const { rows } = await db.query<{ name: string; setting: string }>(
    'SELECT name, current_setting(name) AS setting FROM unnest($1::text[]) AS name',
    [PLANNER_SETTINGS],
  );
  return rows.map((row) => `${row.name} ${row.setting}`).join(', ');
}

async function run(small: Side, large: Side): Promise<void> {
  const runs: ListingRun[] = [];
  for (const [caller, of] of [
    ['admin', (side: Side) => side.service.client],
    [`tenant ${FILL_TENANTS[0]}`, (side: Side) => side.tenant],
  ] as const) {
    progress(`listings as ${caller}`);
    runs.push({
      caller,
      small: await measureListings(of(small)),
      large: await measureListings(of(large)),
    });
  }
  progress('streaming events');
  const events = [];
  for (const side of [small, large]) {
    const result = await streamEvents(side.tenant, side.service.pid, side.filled.eventsTaskId);
    events.push({ label: `${formatCount(result.events)} events (${side.name})`, result });
  }
  progress(`draining ${config.referenceJobs} jobs on the small database`);
  await fillJobs(small.db, config.referenceJobs);
  await small.db.query('VACUUM ANALYZE jobs');
  const reference = await drain(
    small.service.databaseUrl,
    small.db,
    config.referenceJobs,
    DRAIN_ENV,
  );
  progress(`draining the first ${config.drainJobs} jobs of the backlog`);
  const backlog = await drain(large.service.databaseUrl, large.db, config.drainJobs, DRAIN_ENV);

  const rowsOf = (side: Side): string => `${formatCount(side.filled.tasks)} tasks`;
  section('Fill', [
    ...[small, large].map(
      ({ name, filled }) =>
        `${name}: ${formatCount(filled.tasks)} tasks, ${formatCount(filled.jobs)} jobs, one task with ${formatCount(filled.events)} events, in ${formatMeasure(filled.seconds)} s`,
    ),
    ...FILL_DESCRIPTION,
  ]);
  section(
    `Listing, ${formatCount(config.samples)} requests each, one at a time, after 20 warm-up; the deep page by the cursor of a walk in pages of 100`,
    [listingTable(runs, rowsOf(small), rowsOf(large))],
  );
  section(
    'Drain (no-op handler; rate from the succeeded rows’ finished_at, first to last)',
    drainTable(
      { jobs: config.referenceJobs, result: reference },
      { jobs: config.jobs, slice: config.drainJobs, result: backlog },
    ),
  );
  section('Event log, pages of 1,000 (after = last seq), as the tenant', [eventsTable(events)]);
}

async function main(): Promise<void> {
  const machine = await machineLines(config.serverUrl);
  const workDir = await mkdtemp(path.join(tmpdir(), 'taskyard-bench-scale-'));
  const sides: Side[] = [];
  try {
    sides.push(
      await prepare(workDir, 'small', {
        tasks: config.smallTasks,
        jobs: 0,
        events: config.smallEvents,
      }),
    );
    sides.push(
      await prepare(workDir, 'large', {
        tasks: config.tasks,
        jobs: config.jobs,
        events: config.events,
      }),
    );
    const [small, large] = sides;
    print(['Taskyard scale benchmark']);
    await run(small, large);
    section('Settings and machine', [
      `bench: ${formatSettings(config)}`,
      `service: node dist/main.js per database, ${formatSettings(serviceEnvironment(SETTINGS))}`,
      `drain: the application in the bench process, ROLE=worker, default settings${formatSettings(DRAIN_ENV) ? ` ${formatSettings(DRAIN_ENV)}` : ''}`,
      ...machine,
      `PostgreSQL planner: ${await plannerSettings(large.db)}`,
      `load average at the end ${loadAverage()}`,
    ]);
    print();
  } finally {
    for (const side of sides) {
      side.tenant.close();
      await side.db.end();
      await side.service.stop();
    }
    await rm(workDir, { recursive: true, force: true });
  }
}

await main();
