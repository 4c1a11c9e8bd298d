import { vacuumAnalyze, withFreshDatabase } from './databases.js';
import { runInChild } from './run-in-child.js';
export const SCENARIOS = [
    'enqueue-one',
    'enqueue-bulk',
    'drain-default',
    'drain-best',
    'pickup',
];
export function isRepeated(scenario) {
    return scenario !== 'pickup';
}
const CHILD_OVERHEAD_MS = 10 * 60_000;
export function measureScenario(config, system, settings, scenario) {
    const timeoutMs = config.drainTimeLimitMs + CHILD_OVERHEAD_MS;
    return withFreshDatabase(config.serverUrl, [system, scenario], async (url) => {
        const request = (setting, task) => runInChild({ system, url, settings: settings[setting], task }, timeoutMs);
        switch (scenario) {
            case 'enqueue-one':
                return request('default', {
                    kind: 'enqueue-one',
                    jobs: config.enqueueJobs,
                    inFlight: config.inFlight,
                });
            case 'enqueue-bulk':
                return request('default', {
                    kind: 'enqueue-bulk',
                    jobs: config.bulkJobs,
                    batch: config.bulkBatch,
                });
            case 'drain-default':
            case 'drain-best': {
                const setting = scenario === 'drain-default' ? 'default' : 'best';
                await request(setting, { kind: 'enqueue-bulk', jobs: config.drainJobs, batch: config.bulkBatch });
                await vacuumAnalyze(url);
                return request(setting, {
                    kind: 'drain',
                    jobs: config.drainJobs,
                    timeLimitMs: config.drainTimeLimitMs,
                });
            }
            case 'pickup':
                return request('best', { kind: 'pickup', samples: config.pickupSamples });
        }
    });
}
//# sourceMappingURL=scenarios.js.map