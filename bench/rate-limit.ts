// What the request rate limit costs: authenticated GETs per second through the service with
// RATE_LIMIT_STORE=memory (counters in the process) and =postgres (an upsert of rate_limits per
// request), rounds alternated on the same machine, beside a bare node:http server in the same run.
// Build and run: npm run bench:rate-limit.
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { print, progressLog, section } from './lib/console.js';
import { benchServerUrl, positiveInteger } from './lib/config.js';
import { formatCount, formatSettings } from './lib/format.js';
import { loadAverage, machineLines } from './lib/machine.js';
import { median } from './lib/stats.js';
import { renderTable } from './lib/table.js';
import { measureHttpCeiling } from './lib/tasks-http-ceiling.js';
import { dataDirOf, type ServiceSettings, startService } from './lib/tasks-service.js';

const progress = progressLog('bench:rate-limit');
const STORES = ['memory', 'postgres'] as const;

const config = {
  serverUrl: benchServerUrl(),
  clients: positiveInteger('BENCH_CLIENTS', 32),
  seconds: positiveInteger('BENCH_SECONDS', 10),
  rounds: positiveInteger('BENCH_ROUNDS', 2),
};

function settingsFor(store: string): ServiceSettings {
  // A limit no run reaches: every request is counted, none refused.
  const env = { ROLE: 'api', RATE_LIMIT_PER_MINUTE: '1000000000', RATE_LIMIT_STORE: store };
  return { workerConcurrency: 1, workerPrefetch: 1, poolSize: 10, env };
}

/** GET /api/v1/me from `clients` keep-alive loops for `seconds`: requests per second. */
async function measureStore(workDir: string, store: string, round: number): Promise<number> {
  const name = `${store}-${round}`;
  const dataDir = dataDirOf(workDir, name);
  const service = await startService(config.serverUrl, name, dataDir, settingsFor(store));
  try {
    let requests = 0;
    const started = performance.now();
    const end = started + config.seconds * 1000;
    const loop = async (): Promise<void> => {
      while (performance.now() < end) {
        const response = await service.client.request('GET', '/api/v1/me');
        if (response.status !== 200) throw new Error(`GET /api/v1/me answered ${response.status}`);
        requests += 1;
      }
    };
    await Promise.all(Array.from({ length: config.clients }, loop));
    return requests / ((performance.now() - started) / 1000);
  } finally {
    await service.stop();
  }
}

async function main(): Promise<void> {
  const machine = await machineLines(config.serverUrl);
  const workDir = await mkdtemp(path.join(tmpdir(), 'taskyard-bench-rate-limit-'));
  const perStore = new Map<string, number[]>(STORES.map((store) => [store, []]));
  try {
    for (let round = 1; round <= config.rounds; round++) {
      for (const store of round % 2 === 1 ? STORES : STORES.toReversed()) {
        progress(`round ${round}: RATE_LIMIT_STORE=${store}`);
        perStore.get(store)?.push(await measureStore(workDir, store, round));
      }
    }
    progress('bare node:http ceiling');
    const ceiling = await measureHttpCeiling(config.clients, config.seconds);
    const rows = STORES.map((store) => {
      const runs = perStore.get(store) ?? [];
      return [
        `RATE_LIMIT_STORE=${store}`,
        formatCount(median(runs)),
        runs.map((value) => formatCount(value)).join(', '),
      ];
    });
    rows.push(['bare node:http server', formatCount(ceiling.requestsPerSecond), '']);
    section('Authenticated GET /api/v1/me, requests/s', [
      renderTable(['', 'median', 'runs'], rows),
    ]);
    section('Settings and machine', [
      `${config.clients} clients, ${config.seconds} s per run, ${config.rounds} rounds (order alternated)`,
      `service: ${formatSettings(settingsFor('<store>').env ?? {})}, one process, DATABASE_POOL_SIZE=10`,
      ...machine,
      `load average at the end ${loadAverage()}`,
    ]);
    print();
  } finally {
    await rm(workDir, { recursive: true, force: true });
  }
}

await main();
