import { JobTally } from './job-tally.js';
import { LatencyProbe } from './latency-probe.js';
import type { MeasureTask, Measurement } from './measurement.js';
import { PeakRssSampler } from './peak-rss.js';
import type { DrainSettings, QueueSystem } from './system.js';

/** Long enough for pg-boss's 30 s backstop poll should a NOTIFY go missing. */
const PICKUP_TIMEOUT_MS = 35_000;

/** Runs `task` on a system whose `setup` has run, timing it. */
export async function performTask(
  system: QueueSystem,
  settings: DrainSettings,
  task: MeasureTask,
): Promise<Measurement> {
  const rss = new PeakRssSampler();
  const started = performance.now();
  const finish = (jobs: number, endedAt = performance.now()): Measurement => ({
    jobs,
    elapsedMs: endedAt - started,
    timedOut: false,
    peakRssBytes: rss.stop(),
    latenciesMs: [],
  });
  if (task.kind === 'enqueue-one') {
    await system.enqueueOneByOne(task.jobs, task.inFlight);
    return finish(task.jobs);
  }
  if (task.kind === 'enqueue-bulk') {
    await system.enqueueBulk(task.jobs, task.batch);
    return finish(task.jobs);
  }
  if (task.kind === 'drain') {
    const tally = new JobTally(task.jobs, task.timeLimitMs);
    await system.drain(settings, tally);
    if (tally.settledAt === undefined) {
      throw new Error(`drain returned after ${tally.count} of ${task.jobs} jobs`);
    }
    return { ...finish(tally.count, tally.settledAt), timedOut: tally.timedOut };
  }
  const probe = new LatencyProbe(PICKUP_TIMEOUT_MS);
  const latenciesMs = await system.pickupLatency(settings, task.samples, probe);
  return { ...finish(task.samples), latenciesMs };
}
