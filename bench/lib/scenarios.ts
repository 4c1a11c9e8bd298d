import type { BenchConfig } from './config.js';
import { vacuumAnalyze, withFreshDatabase } from './databases.js';
import type { MeasureRequest, Measurement } from './measurement.js';
import { runInChild } from './run-in-child.js';
import type { DrainSettings, SettingName } from './system.js';

export const SCENARIOS = [
  'enqueue-one',
  'enqueue-bulk',
  'drain-default',
  'drain-best',
  'pickup',
] as const;
export type Scenario = (typeof SCENARIOS)[number];

/** Pickup latency is a distribution of many samples already, so it runs once. */
export function isRepeated(scenario: Scenario): boolean {
  return scenario !== 'pickup';
}

/** Time for a child beyond its drain time limit: start-up, setup, teardown, slow enqueues. */
const CHILD_OVERHEAD_MS = 10 * 60_000;

/** Measures `scenario` once for `system` on a database of its own, dropped afterwards. */
export function measureScenario(
  config: BenchConfig,
  system: string,
  settings: Record<SettingName, DrainSettings>,
  scenario: Scenario,
): Promise<Measurement> {
  const timeoutMs = config.drainTimeLimitMs + CHILD_OVERHEAD_MS;
  return withFreshDatabase(config.serverUrl, [system, scenario], async (url) => {
    const request = (setting: SettingName, task: MeasureRequest['task']): Promise<Measurement> =>
      runInChild({ system, url, settings: settings[setting], task }, timeoutMs);
    if (scenario === 'enqueue-one') {
      return request('default', {
        kind: 'enqueue-one',
        jobs: config.enqueueJobs,
        inFlight: config.inFlight,
      });
    }
    if (scenario === 'enqueue-bulk') {
      return request('default', {
        kind: 'enqueue-bulk',
        jobs: config.bulkJobs,
        batch: config.bulkBatch,
      });
    }
    if (scenario === 'pickup') {
      return request('best', { kind: 'pickup', samples: config.pickupSamples });
    }
    const setting = scenario === 'drain-default' ? 'default' : 'best';
    await request(setting, {
      kind: 'enqueue-bulk',
      jobs: config.drainJobs,
      batch: config.bulkBatch,
    });
    await vacuumAnalyze(url);
    return request(setting, {
      kind: 'drain',
      jobs: config.drainJobs,
      timeLimitMs: config.drainTimeLimitMs,
    });
  });
}
