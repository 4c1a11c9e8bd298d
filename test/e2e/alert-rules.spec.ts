import { execFileSync, spawnSync } from 'node:child_process';
import { readFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { startTestApp, type TestApp } from '../support/app.js';
import { families, scrape } from '../support/metrics.js';

const RULES = fileURLToPath(new URL('../../docs/prometheus/taskyard-alerts.yml', import.meta.url));
const RULE_TESTS = fileURLToPath(
  new URL('../../docs/prometheus/taskyard-alerts.test.yml', import.meta.url),
);

/** Debian's `prometheus` package ships promtool; CI installs it (.ci/run). */
const describeWithPromtool =
  spawnSync('promtool', ['--version']).status === 0 ? describe : describe.skip;

/** The rules file without its comments: what Prometheus evaluates. */
const rules = readFileSync(RULES, 'utf8')
  .split('\n')
  .filter((line) => !line.trimStart().startsWith('#'))
  .join('\n');

describe('docs/prometheus/taskyard-alerts.yml', () => {
  let testApp: TestApp;
  let exposed: Map<string, string>;

  beforeAll(async () => {
    // ROLE all: the API's, the gateway's, the worker's and the webhooks' metrics in one process.
    testApp = await startTestApp();
    exposed = families(await scrape(testApp.baseUrl));
  });
  afterAll(() => testApp?.close());

  it('names only metrics a Taskyard process exposes', () => {
    const named = [...new Set(rules.match(/\btaskyard_[a-z0-9_]+/g))];
    expect(named.length).toBeGreaterThan(5);
    expect(named.filter((name) => !exposed.has(name))).toEqual([]);
  });

  it('alerts on the LISTEN connection only where a worker holds one', async () => {
    expect(exposed.get('taskyard_jobs_listener_connected')).toBe('gauge');
    const settings: Record<string, string>[] = [{ ROLE: 'api' }, { DATABASE_LISTEN_URL: 'none' }];
    for (const env of settings) {
      const other = await startTestApp({ database: testApp.database, env });
      try {
        const metrics = families(await scrape(other.baseUrl));
        expect([env, metrics.has('taskyard_jobs_listener_connected')]).toEqual([env, false]);
        expect([env, metrics.has('taskyard_jobs_live')]).toEqual([env, true]);
      } finally {
        await other.close();
      }
    }
  });

  it('takes rate() and increase() of counters only', () => {
    const counted = [...rules.matchAll(/\b(?:rate|increase)\((taskyard_[a-z0-9_]+)/g)].map(
      (m) => m[1] ?? '',
    );
    expect(counted.length).toBeGreaterThan(0);
    expect(counted.map((name) => [name, exposed.get(name)])).toEqual(
      counted.map((name) => [name, 'counter']),
    );
  });
});

describeWithPromtool('docs/prometheus/taskyard-alerts.yml under promtool', () => {
  it('passes promtool check rules and its unit tests', () => {
    const checked = execFileSync('promtool', ['check', 'rules', RULES], { encoding: 'utf8' });
    expect(checked).toMatch(/SUCCESS: \d+ rules found/);
    const tested = spawnSync('promtool', ['test', 'rules', RULE_TESTS], { encoding: 'utf8' });
    expect([tested.status, tested.stdout + tested.stderr]).toEqual([0, expect.any(String)]);
  });
});
