import request from 'supertest';
import { startTestApp, type TestApp } from '../support/app.js';
import { bearer, createUserKey } from '../support/auth.js';
import { pauseQueue } from '../support/held-input.js';
import { ProbeModule } from '../support/probe.module.js';
import { createTask, TASKS_PATH, waitForTask } from '../support/tasks.js';
import { waitFor } from '../support/wait.js';

type Labels = Record<string, string>;

/** The samples of `name` in a Prometheus text exposition, with their labels. */
function samples(metrics: string, name: string): { labels: Labels; value: number }[] {
  const found: { labels: Labels; value: number }[] = [];
  for (const line of metrics.split('\n')) {
    const match = /^([a-z_:]+)(?:\{(.*)\})? (\S+)$/.exec(line);
    if (match?.[1] !== name) continue;
    const labels = Object.fromEntries(
      [...(match[2] ?? '').matchAll(/(\w+)="([^"]*)"/g)].map((m) => [m[1], m[2]]),
    );
    found.push({ labels, value: Number(match[3]) });
  }
  return found;
}

/** The value of the one sample of `name` whose labels include `labels`; 0 when there is none. */
function valueOf(metrics: string, name: string, labels: Labels): number {
  const matching = samples(metrics, name).filter((s) =>
    Object.entries(labels).every(([k, v]) => s.labels[k] === v),
  );
  if (matching.length > 1) throw new Error(`${matching.length} samples of ${name} match`);
  return matching[0]?.value ?? 0;
}

const requestCount = (metrics: string, labels: Labels): number =>
  valueOf(metrics, 'http_request_duration_seconds_count', labels);

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

  const scrape = async (): Promise<string> =>
    (await request(testApp.baseUrl).get('/metrics').expect(200)).text;

  it('serves process metrics in the Prometheus text format', async () => {
    const response = await request(testApp.baseUrl).get('/metrics').expect(200);
    expect(response.headers['content-type']).toMatch(/^text\/plain; version=0\.0\.4/);
    expect(response.text).toMatch(/^# TYPE process_cpu_user_seconds_total counter$/m);
    expect(valueOf(response.text, 'nodejs_heap_size_used_bytes', {})).toBeGreaterThan(0);
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
    const buckets = samples(after, 'http_request_duration_seconds_bucket')
      .filter((s) => s.labels.route === items.route && s.labels.status_code === '200')
      .map((s) => s.value);
    expect(buckets.length).toBeGreaterThan(1);
    expect(buckets).toEqual(buckets.toSorted((a, b) => a - b));
    expect(buckets.at(-1)).toBe(requestCount(after, items));
    const sum = (metrics: string) => valueOf(metrics, 'http_request_duration_seconds_sum', items);
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
      return grew(metrics, 'jobs_completed_total') >= 4 && metrics;
    });
    expect(grew(after, 'jobs_enqueued_total')).toBe(4);
    expect(grew(after, 'jobs_completed_total')).toBe(4);
    expect(grew(after, 'jobs_failed_total')).toBe(0);
    expect(grew(after, 'job_queue_wait_seconds_count')).toBe(4);
    expect(grew(after, 'job_duration_seconds_count', { outcome: 'succeeded' })).toBe(4);
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
      const live = samples(metrics, 'jobs_live').filter((s) => s.labels.queue === 'tasks');
      expect(Object.fromEntries(live.map((s) => [s.labels.status, s.value]))).toEqual(database);
    } finally {
      for (const task of tasks)
        await request(testApp.baseUrl).post(`${TASKS_PATH}/${task.id}/cancel`).set(bearer(key));
      await pauseQueue(testApp.baseUrl, 'tasks', false);
      for (const task of tasks) await waitForTask(testApp.baseUrl, key, task.id, ['cancelled']);
    }
  });
});
