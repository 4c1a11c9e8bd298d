import type { BenchConfig } from './config.js';
import { jobsPerSecond, type Measurement } from './measurement.js';
import { isRepeated, measureScenario, SCENARIOS, type Scenario } from './scenarios.js';
import type { DrainSettings, SettingName } from './system.js';

export interface ScenarioResult {
  measurements: Measurement[];
  error?: string;
}

export type SystemResults = Record<Scenario, ScenarioResult>;

function emptyResults(): SystemResults {
  const entries = SCENARIOS.map((scenario): [Scenario, ScenarioResult] => [
    scenario,
    { measurements: [] },
  ]);
  return Object.fromEntries(entries) as SystemResults;
}

function describe(scenario: Scenario, measurement: Measurement): string {
  if (scenario === 'pickup') return `${measurement.latenciesMs.length} samples`;
  const rate = Math.round(jobsPerSecond(measurement)).toLocaleString('en-US');
  return `${rate} jobs/s${measurement.timedOut ? ' (time limit)' : ''}`;
}

/**
 * Measures every scenario for every system. Runs are the outer loop and systems the inner one, so a
 * drift in the machine over the run is spread over all systems rather than landing on one.
 */
export async function runBenchmarks(
  config: BenchConfig,
  settings: Map<string, Record<SettingName, DrainSettings>>,
  log: (line: string) => void,
): Promise<Map<string, SystemResults>> {
  const results = new Map(config.systems.map((system) => [system, emptyResults()]));
  for (let run = 1; run <= config.runs; run++) {
    for (const scenario of SCENARIOS) {
      if (run > 1 && !isRepeated(scenario)) continue;
      for (const system of config.systems) {
        const result = results.get(system)![scenario];
        if (result.error !== undefined) continue;
        const prefix = `[run ${run}/${config.runs}] ${scenario} ${system}`;
        try {
          const measurement = await measureScenario(
            config,
            system,
            settings.get(system)!,
            scenario,
          );
          result.measurements.push(measurement);
          log(`${prefix}: ${describe(scenario, measurement)}`);
        } catch (error) {
          result.error = error instanceof Error ? error.message : String(error);
          log(`${prefix}: error: ${result.error}`);
        }
      }
    }
  }
  return results;
}
