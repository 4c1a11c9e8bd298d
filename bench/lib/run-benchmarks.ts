import type { BenchConfig } from './config.js';
import { jobsPerSecond, type Measurement } from './measurement.js';
import {
  isRepeated,
  measureScenario,
  SCENARIOS,
  type Scenario,
  type SystemUnderTest,
} from './scenarios.js';

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
  if (scenario === 'pickup') {
    return `${measurement.latenciesMs.length} samples, ${measurement.maxConnections} connections`;
  }
  const rate = Math.round(jobsPerSecond(measurement)).toLocaleString('en-US');
  const limit = measurement.timedOut ? ' (time limit)' : '';
  return `${rate} jobs/s${limit}, ${measurement.maxConnections} connections`;
}

/**
 * Measures every scenario for every system. Runs are the outer loop and systems the inner one, so a
 * drift in the machine over the run is spread over all systems rather than landing on one.
 */
export async function runBenchmarks(
  config: BenchConfig,
  systems: SystemUnderTest[],
  log: (line: string) => void,
): Promise<Map<string, SystemResults>> {
  const results = new Map(systems.map((system) => [system.name, emptyResults()]));
  for (let run = 1; run <= config.runs; run++) {
    for (const scenario of SCENARIOS) {
      if (run > 1 && !isRepeated(scenario)) continue;
      for (const system of systems) {
        const result = results.get(system.name)![scenario];
        if (result.error !== undefined) continue;
        const prefix = `[run ${run}/${config.runs}] ${scenario} ${system.name}`;
        try {
          const measurement = await measureScenario(config, system, scenario);
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
