import { jobsPerSecond } from './measurement.js';
import { isRepeated, measureScenario, SCENARIOS } from './scenarios.js';
function emptyResults() {
    const entries = SCENARIOS.map((scenario) => [
        scenario,
        { measurements: [] },
    ]);
    return Object.fromEntries(entries);
}
function describe(scenario, measurement) {
    if (scenario === 'pickup')
        return `${measurement.latenciesMs.length} samples`;
    const rate = Math.round(jobsPerSecond(measurement)).toLocaleString('en-US');
    return `${rate} jobs/s${measurement.timedOut ? ' (time limit)' : ''}`;
}
export async function runBenchmarks(config, settings, log) {
    const results = new Map(config.systems.map((system) => [system, emptyResults()]));
    for (let run = 1; run <= config.runs; run++) {
        for (const scenario of SCENARIOS) {
            if (run > 1 && !isRepeated(scenario))
                continue;
            for (const system of config.systems) {
                const result = results.get(system)[scenario];
                if (result.error !== undefined)
                    continue;
                const prefix = `[run ${run}/${config.runs}] ${scenario} ${system}`;
                try {
                    const measurement = await measureScenario(config, system, settings.get(system), scenario);
                    result.measurements.push(measurement);
                    log(`${prefix}: ${describe(scenario, measurement)}`);
                }
                catch (error) {
                    result.error = error instanceof Error ? error.message : String(error);
                    log(`${prefix}: error: ${result.error}`);
                }
            }
        }
    }
    return results;
}
//# sourceMappingURL=run-benchmarks.js.map