import { JobTally } from './job-tally.js';
import { LatencyProbe } from './latency-probe.js';
import { PeakRssSampler } from './peak-rss.js';
const PICKUP_TIMEOUT_MS = 35_000;
export async function performTask(system, settings, task) {
    const rss = new PeakRssSampler();
    const started = performance.now();
    const finish = (jobs, endedAt = performance.now()) => ({
        jobs,
        elapsedMs: endedAt - started,
        timedOut: false,
        peakRssBytes: rss.stop(),
        latenciesMs: [],
    });
    switch (task.kind) {
        case 'enqueue-one':
            await system.enqueueOneByOne(task.jobs, task.inFlight);
            return finish(task.jobs);
        case 'enqueue-bulk':
            await system.enqueueBulk(task.jobs, task.batch);
            return finish(task.jobs);
        case 'drain': {
            const tally = new JobTally(task.jobs, task.timeLimitMs);
            await system.drain(settings, tally);
            if (tally.settledAt === undefined) {
                throw new Error(`drain returned after ${tally.count} of ${task.jobs} jobs`);
            }
            return { ...finish(tally.count, tally.settledAt), timedOut: tally.timedOut };
        }
        case 'pickup': {
            const probe = new LatencyProbe(PICKUP_TIMEOUT_MS);
            const latenciesMs = await system.pickupLatency(settings, task.samples, probe);
            return { ...finish(task.samples), latenciesMs };
        }
    }
}
//# sourceMappingURL=perform-task.js.map