import { DrainWatch } from './drain-watch.js';
import { LatencyProbe } from './latency-probe.js';
import type { MeasureTask, Measurement } from './measurement.js';
import { connectObserver } from './observer.js';
import { PeakRssSampler } from './peak-rss.js';
import type { DrainSettings, QueueSystem } from './system.js';

/** Long enough for pg-boss's 30 s backstop poll should a NOTIFY go missing. */
const PICKUP_TIMEOUT_MS = 35_000;

/** Runs `task` on a system whose `setup` has run, timing it. */
export async function performTask(
  system: QueueSystem,
  url: string,
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
    maxConnections: 0,
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
    const observer = await connectObserver(url);
    try {
      const sql = system.doneJobsSql(task.jobs);
      const countDone = async (): Promise<number> =>
        Number((await observer.query<{ done: number | string }>(sql)).rows[0].done);
      const watch = new DrainWatch(task.jobs, task.timeLimitMs, countDone);
      await system.drain(settings, watch);
      if (watch.settledAt === undefined) {
        throw new Error(`drain returned after ${watch.handledCount} of ${task.jobs} handler calls`);
      }
      return { ...finish(watch.done, watch.settledAt), timedOut: watch.timedOut };
    } finally {
      await observer.end();
    }
  }
  const probe = new LatencyProbe(PICKUP_TIMEOUT_MS);
  const latenciesMs = await system.pickupLatency(settings, task.samples, probe);
  return { ...finish(task.samples), latenciesMs };
}
