// Dashboard first load: the real service (dist/main.js) opened in headless Chromium, signed in, until
// the task list shows. Reports what crossed the network per request (bytes on the wire, compressed,
// from Chromium's own accounting) and the time to the list, beside the same for the OpenAPI UI at
// /docs, served by the same process. Build and run: npm run bench:dashboard.
import { mkdtemp, rm } from 'node:fs/promises';
import { cpus, loadavg, tmpdir } from 'node:os';
import path from 'node:path';
import { type Browser, chromium, type Page } from 'playwright-core';
import { print, section } from './lib/console.js';
import { BENCH_ADMIN_KEY, startService } from './lib/tasks-service.js';

const CHROMIUM = process.env.CHROMIUM_PATH ?? '/usr/bin/chromium';
const SERVER_URL = process.env.DATABASE_URL || 'postgres://postgres@127.0.0.1:5432/postgres';
const RUNS = Number(process.env.BENCH_DASHBOARD_RUNS ?? 5);

interface Transfer {
  url: string;
  bytes: number;
}

interface Load {
  transfers: Transfer[];
  ms: number;
}

/** A cold tab (empty cache) from navigation until `ready` resolves; bytes as Chromium counted them. */
async function measureLoad(
  browser: Browser,
  url: string,
  ready: (page: Page) => Promise<void>,
): Promise<Load> {
  const context = await browser.newContext({ viewport: { width: 1280, height: 800 } });
  const page = await context.newPage();
  const cdp = await context.newCDPSession(page);
  await cdp.send('Network.enable');
  await cdp.send('Network.setCacheDisabled', { cacheDisabled: true });
  const urls = new Map<string, string>();
  const transfers: Transfer[] = [];
  cdp.on('Network.requestWillBeSent', (event) => urls.set(event.requestId, event.request.url));
  cdp.on('Network.loadingFinished', (event) =>
    transfers.push({ url: urls.get(event.requestId) ?? '?', bytes: event.encodedDataLength }),
  );
  // WebSocket frames (the Socket.IO feed) are not loads: count their payloads as one row.
  const socket = { url: '(Socket.IO frames, payloads)', bytes: 0 };
  const frame = (event: { response: { payloadData: string } }): void => {
    socket.bytes += Buffer.byteLength(event.response.payloadData);
  };
  cdp.on('Network.webSocketFrameReceived', frame);
  cdp.on('Network.webSocketFrameSent', frame);
  const started = performance.now();
  await page.goto(url);
  await ready(page);
  const ms = performance.now() - started;
  if (socket.bytes > 0) transfers.push(socket);
  await context.close();
  return { transfers, ms };
}

function shorten(url: string): string {
  return url.length > 70 ? `${url.slice(0, 69)}…` : url;
}

function median(values: number[]): number {
  const sorted = [...values].sort((a, b) => a - b);
  return sorted[Math.floor(sorted.length / 2)];
}

function describe(name: string, loads: Load[], base: string): string[] {
  const first = loads[0];
  const total = (load: Load): number => load.transfers.reduce((sum, t) => sum + t.bytes, 0);
  return [
    `${name}: ${(total(first) / 1024).toFixed(1)} KB over ${first.transfers.length} requests, ` +
      `ready in ${median(loads.map((l) => l.ms)).toFixed(0)} ms (median of ${loads.length})`,
    ...first.transfers.map(
      (t) => `  ${(t.bytes / 1024).toFixed(1).padStart(7)} KB  ${shorten(t.url.replace(base, ''))}`,
    ),
  ];
}

async function main(): Promise<void> {
  const workDir = await mkdtemp(path.join(tmpdir(), 'taskyard-bench-dashboard-'));
  const service = await startService(SERVER_URL, 'dashboard', path.join(workDir, 'data'), {
    workerConcurrency: 2,
    workerPrefetch: 0,
    poolSize: 10,
  });
  const browser = await chromium.launch({
    executablePath: CHROMIUM,
    args: ['--no-sandbox', '--disable-gpu', '--disable-background-networking', '--no-first-run'],
  });
  try {
    for (let i = 0; i < 20; i += 1) {
      await service.client.json('POST', '/api/v1/tasks', [202], {
        json: { type: 'echo', payload: { i } },
      });
    }
    const dashboard: Load[] = [];
    const docs: Load[] = [];
    for (let run = 0; run < RUNS; run += 1) {
      dashboard.push(
        await measureLoad(browser, `${service.baseUrl}/`, async (page) => {
          await page.getByLabel('API key').fill(BENCH_ADMIN_KEY);
          await page.getByRole('button', { name: 'Sign in' }).click();
          await page.locator('table tbody tr').first().waitFor();
        }),
      );
      docs.push(
        await measureLoad(browser, `${service.baseUrl}/docs`, async (page) => {
          await page.locator('.opblock').first().waitFor();
        }),
      );
    }
    section('Dashboard first load (Chromium, cold cache, bytes on the wire)', [
      ...describe('dashboard (sign in, task list with 20 tasks)', dashboard, service.baseUrl),
      '',
      ...describe('reference: OpenAPI UI at /docs, same process', docs, service.baseUrl),
    ]);
    print([
      `machine: ${cpus().length} cores, load ${loadavg()
        .map((l) => l.toFixed(2))
        .join(' ')}; Chromium at ${CHROMIUM}; loopback, no throttling`,
    ]);
  } finally {
    await browser.close();
    await service.stop();
    await rm(workDir, { recursive: true, force: true });
  }
}

await main();
