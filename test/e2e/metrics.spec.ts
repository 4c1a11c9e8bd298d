import { readFile } from 'node:fs/promises';
import request from 'supertest';
import { startTestApp, type TestApp } from '../support/app.js';
import { bearer, createUserKey } from '../support/auth.js';
import { pauseQueue } from '../support/held-input.js';
import { ProbeModule } from '../support/probe.module.js';
import { createTask, TASKS_PATH, waitForTask } from '../support/tasks.js';
import { waitFor } from '../support/wait.js';
import { families, type Labels, samples, scrape as scrapeOf, valueOf } from '../support/metrics.js';

const requestCount = (metrics: string, labels: Labels): number =>
  valueOf(metrics, 'taskyard_http_request_duration_seconds_count', labels);

describe('GET /metrics', () => {
  let testApp: TestApp;
  let key: string;

  beforeAll(async () => {
    testApp = await startTestApp({
      apiModules: [ProbeModule],
      env: { JOBS_POLL_INTERVAL_MS: '100', WORKER_CONCURRENCY: '2' },
    });
    key = await createUserKey(testApp.baseUrl, 'acme');
  });
  afterAll(() => testApp.close());

  const scrape = () => scrapeOf(testApp.baseUrl);

  it('serves process metrics in the Prometheus text format', async () => {
    const response = await request(testApp.baseUrl).get('/metrics').expect(200);
    expect(response.headers['content-type']).toMatch(/^text\/plain; version=0\.0\.4/);
    expect(response.text).toMatch(/^# TYPE process_cpu_user_seconds_total counter$/m);
    expect(valueOf(response.text, 'nodejs_heap_size_used_bytes', {})).toBeGreaterThan(0);
  });

  it('names every metric of its own taskyard_… and says which build runs', async () => {
    const metrics = await scrape();
    const own = [...families(metrics).keys()].filter(
      (name) => !name.startsWith('process_') && !name.startsWith('nodejs_'),
    );
    expect(own.length).toBeGreaterThan(10);
    expect(own.filter((name) => !name.startsWith('taskyard_'))).toEqual([]);
    // Counters end in _total; histograms of durations are in seconds.
    for (const [name, type] of families(metrics)) {
      if (type === 'counter') expect(name).toMatch(/_total$/);
      if (type === 'histogram' && name.startsWith('taskyard_')) expect(name).toMatch(/_seconds$/);
    }
    const version = (
      JSON.parse(await readFile(new URL('../../package.json', import.meta.url), 'utf8')) as {
        version: string;
      }
    ).version;
    expect(samples(metrics, 'taskyard_build_info')).toEqual([
      { labels: { version, node: process.version }, value: 1 },
    ]);
  });

  it('has every job counter at 0 and the live gauge at 0 before any job ran', async () => {
    const metrics = await scrape();
    for (const name of ['enqueued', 'completed', 'failed', 'retried', 'cancelled']) {
      for (const labels of [
        { queue: 'tasks', type: 'task:echo' },
        { queue: 'tasks', type: 'task:csv.import' },
        { queue: 'webhooks', type: 'taskyard.webhooks.deliver' },
        { queue: 'default', type: 'taskyard.jobs.prune' },
      ]) {
        const found = samples(metrics, `taskyard_jobs_${name}_total`).filter(
          (s) => s.labels.queue === labels.queue && s.labels.type === labels.type,
        );
        expect([name, labels, found.map((s) => s.value)]).toEqual([name, labels, [0]]);
      }
    }
    const live = samples(metrics, 'taskyard_jobs_live');
    for (const queue of ['tasks', 'webhooks', 'default'])
      for (const status of ['queued', 'running'])
        expect(live).toContainEqual({ labels: { queue, status }, value: 0 });
    for (const reason of ['flood', 'revoked'])
      expect(samples(metrics, 'taskyard_gateway_connections_dropped_total')).toContainEqual({
        labels: { reason },
        value: 0,
      });
    expect(samples(metrics, 'taskyard_gateway_messages_refused_total')).toEqual([
      { labels: {}, value: 0 },
    ]);
  });

  it('times each request once, under its method, route template and status', async () => {
    const items = { method: 'GET', route: '/api/v1/probe/items/:id', status_code: '200' };
    const unmatched = { method: 'GET', route: '(unmatched)', status_code: '404' };
    const invalid = { method: 'POST', route: '/api/v1/probe', status_code: '422' };
    const before = await scrape();

    const http = request(testApp.baseUrl);
    for (const id of [1, 2, 3]) await http.get(`/api/v1/probe/items/${id}`).expect(200);
    await http.get('/no/such/route').expect(404);
    await http.post('/api/v1/probe').send({}).expect(422);

    const after = await scrape();
    expect(requestCount(after, items) - requestCount(before, items)).toBe(3);
    expect(requestCount(after, unmatched) - requestCount(before, unmatched)).toBe(1);
    expect(requestCount(after, invalid) - requestCount(before, invalid)).toBe(1);
    expect(after).not.toContain('/no/such/route');
    // Buckets are cumulative and end at the count; the sum grew by the time taken.
    const buckets = samples(after, 'taskyard_http_request_duration_seconds_bucket')
      .filter((s) => s.labels.route === items.route && s.labels.status_code === '200')
      .map((s) => s.value);
    expect(buckets.length).toBeGreaterThan(1);
    expect(buckets).toEqual(buckets.toSorted((a, b) => a - b));
    expect(buckets.at(-1)).toBe(requestCount(after, items));
    const sum = (metrics: string) =>
      valueOf(metrics, 'taskyard_http_request_duration_seconds_sum', items);
    expect(sum(after)).toBeGreaterThan(sum(before));
  });

  it('counts jobs enqueued and completed, and their durations, by queue and type', async () => {
    const labels = { queue: 'tasks', type: 'task:echo' };
    const before = await scrape();
    const tasks = [];
    for (let i = 0; i < 4; i++)
      tasks.push(await createTask(testApp.baseUrl, key, { type: 'echo', payload: i }));
    for (const task of tasks) await waitForTask(testApp.baseUrl, key, task.id, ['succeeded']);

    const grew = (metrics: string, name: string, extra: Labels = {}) =>
      valueOf(metrics, name, { ...labels, ...extra }) -
      valueOf(before, name, { ...labels, ...extra });
    // The counter moves just after the outcome is written: wait for it, then check it is exact.
    const after = await waitFor('the completions to be counted', async () => {
      const metrics = await scrape();
      return grew(metrics, 'taskyard_jobs_completed_total') >= 4 && metrics;
    });
    expect(grew(after, 'taskyard_jobs_enqueued_total')).toBe(4);
    expect(grew(after, 'taskyard_jobs_completed_total')).toBe(4);
    expect(grew(after, 'taskyard_jobs_failed_total')).toBe(0);
    expect(grew(after, 'taskyard_job_queue_wait_seconds_count')).toBe(4);
    expect(grew(after, 'taskyard_job_duration_seconds_count', { outcome: 'succeeded' })).toBe(4);
  });

  it('reports queued and running jobs as the database holds them', async () => {
    // Sleeps only, cancelled at the end: no job of this test is left to move other tests' counts.
    const sleep = () =>
      createTask(testApp.baseUrl, key, { type: 'sleep', options: { ms: 600_000 } });
    const tasks = [await sleep(), await sleep()];
    for (const task of tasks) await waitForTask(testApp.baseUrl, key, task.id, ['running']);
    await pauseQueue(testApp.baseUrl, 'tasks', true);
    try {
      for (let i = 0; i < 3; i++) tasks.push(await sleep());
      const metrics = await scrape();
      const rows = await testApp.database.query<{ status: string; n: number }>(
        `SELECT status, count(*)::int AS n FROM jobs
         WHERE queue = 'tasks' AND status IN ('queued', 'running') GROUP BY status`,
      );
      const database = Object.fromEntries(rows.map((r) => [r.status, r.n]));
      expect(database).toEqual({ queued: 3, running: 2 });
      const live = samples(metrics, 'taskyard_jobs_live').filter((s) => s.labels.queue === 'tasks');
      expect(Object.fromEntries(live.map((s) => [s.labels.status, s.value]))).toEqual(database);
    } finally {
      for (const task of tasks)
        await request(testApp.baseUrl).post(`${TASKS_PATH}/${task.id}/cancel`).set(bearer(key));
      await pauseQueue(testApp.baseUrl, 'tasks', false);
      for (const task of tasks) await waitForTask(testApp.baseUrl, key, task.id, ['cancelled']);
    }
  });
});
