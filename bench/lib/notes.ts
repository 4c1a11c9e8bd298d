import type { BenchConfig } from './config.js';
import { formatCount } from './format.js';
import { jobsPerSecond } from './measurement.js';
import type { SystemResults } from './run-benchmarks.js';
import { SCENARIOS } from './scenarios.js';

/** Errors, one line per system when a system failed every scenario the same way. */
export function errorLines(results: Map<string, SystemResults>): string[] {
  const lines: string[] = [];
  for (const [system, byScenario] of results) {
    const failed = SCENARIOS.filter((scenario) => byScenario[scenario].error !== undefined);
    const messages = new Set(failed.map((scenario) => byScenario[scenario].error));
    if (failed.length === SCENARIOS.length && messages.size === 1) {
      lines.push(`${system}: ${[...messages][0]} (every scenario)`);
      continue;
    }
    for (const scenario of failed)
      lines.push(`${system} ${scenario}: ${byScenario[scenario].error}`);
  }
  return lines;
}

/** Drains stopped by the time limit, whose rate is then jobs done (in the database) over the limit. */
export function timeLimitLines(config: BenchConfig, results: Map<string, SystemResults>): string[] {
  const lines: string[] = [];
  for (const [system, byScenario] of results) {
    for (const scenario of ['drain-default', 'drain-best', 'drain-large'] as const) {
      const jobs = scenario === 'drain-large' ? config.largeDrainJobs : config.drainJobs;
      const { measurements } = byScenario[scenario];
      const stopped = measurements.filter((m) => m.timedOut);
      if (stopped.length === 0) continue;
      const done = stopped.map((m) => formatCount(m.jobs)).join(', ');
      lines.push(
        `${system} ${scenario}: stopped at the ${config.drainTimeLimitMs / 1000} s limit in ` +
          `${stopped.length} of ${measurements.length} runs, after ${done} of ` +
          `${formatCount(jobs)} jobs; its rate is jobs done / time`,
      );
    }
  }
  return lines;
}

/** Every run's throughput, so the spread behind each median can be seen. */
export function perRunLines(results: Map<string, SystemResults>): string[] {
  const lines: string[] = [];
  for (const scenario of SCENARIOS.filter((s) => s !== 'pickup')) {
    const cells = [...results].map(([system, byScenario]) => {
      const runs = byScenario[scenario].measurements.map((m) => formatCount(jobsPerSecond(m)));
      return `${system} ${runs.length > 0 ? runs.join(' / ') : '-'}`;
    });
    lines.push(`${scenario.padEnd(13)} ${cells.join('; ')}`);
  }
  return lines;
}
