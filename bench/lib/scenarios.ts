import type { BenchConfig } from './config.js';
import { ConnectionSampler } from './connection-sampler.js';
import { vacuumAnalyze, withFreshDatabase } from './databases.js';
import type { MeasureRequest, Measurement } from './measurement.js';
import { runInChild } from './run-in-child.js';
import { withSharedSession } from './session.js';
import type { DrainSettings, SessionSettings, SettingName } from './system.js';

export const SCENARIOS = [
  'enqueue-one',
  'enqueue-bulk',
  'drain-default',
  'drain-best',
  'pickup',
  'drain-large',
] as const;
export type Scenario = (typeof SCENARIOS)[number];

/** The large drain is there for its peak RSS, which one run shows. */
export function isRepeated(scenario: Scenario): boolean {
  return scenario !== 'drain-large';
}

/** Pickup samples per run, so that all runs together take at least `pickupSamples`. */
export function pickupSamplesPerRun(config: BenchConfig): number {
  return Math.ceil(config.pickupSamples / config.runs);
}

/** Time for a child beyond its drain time limit: start-up, setup, teardown, slow enqueues. */
const CHILD_OVERHEAD_MS = 10 * 60_000;

export interface SystemUnderTest {
  name: string;
  session: SessionSettings;
  settings: Record<SettingName, DrainSettings>;
}

/** Measures `scenario` once for `system` on a database of its own, dropped afterwards. */
export function measureScenario(
  config: BenchConfig,
  system: SystemUnderTest,
  scenario: Scenario,
): Promise<Measurement> {
  const timeoutMs = config.drainTimeLimitMs + CHILD_OVERHEAD_MS;
  return withFreshDatabase(config.serverUrl, [system.name, scenario], async (plainUrl) => {
    const url = system.session === 'shared' ? withSharedSession(plainUrl) : plainUrl;
    const request = (setting: SettingName, task: MeasureRequest['task']): Promise<Measurement> =>
      runInChild({ system: system.name, url, settings: system.settings[setting], task }, timeoutMs);
    /** Runs the request while counting the connections open to the database. */
    const counted = async (
      setting: SettingName,
      task: MeasureRequest['task'],
    ): Promise<Measurement> => {
      const sampler = await ConnectionSampler.start(plainUrl);
      const measurement = await request(setting, task).catch(async (error: unknown) => {
        await sampler.stop();
        throw error;
      });
      return { ...measurement, maxConnections: await sampler.stop() };
    };
    if (scenario === 'enqueue-one') {
      return counted('default', {
        kind: 'enqueue-one',
        jobs: config.enqueueJobs,
        inFlight: config.inFlight,
      });
    }
    if (scenario === 'enqueue-bulk') {
      return counted('default', {
        kind: 'enqueue-bulk',
        jobs: config.bulkJobs,
        batch: config.bulkBatch,
      });
    }
    if (scenario === 'pickup') {
      return counted('best', { kind: 'pickup', samples: pickupSamplesPerRun(config) });
    }
    const setting = scenario === 'drain-default' ? 'default' : 'best';
    const jobs = scenario === 'drain-large' ? config.largeDrainJobs : config.drainJobs;
    await request(setting, { kind: 'enqueue-bulk', jobs, batch: config.bulkBatch });
    await vacuumAnalyze(plainUrl);
    return counted(setting, { kind: 'drain', jobs, timeLimitMs: config.drainTimeLimitMs });
  });
}
