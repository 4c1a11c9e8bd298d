import { setTimeout as delay } from 'node:timers/promises';
import { ProcessRssSampler } from './tasks-upload.js';
import { type EmitDelay, emitDelayBetween, type WsCpu, WsCpuMeter } from './ws-api.js';
import type { Subscription } from './ws-client-process.js';
import { ClientFleet } from './ws-clients.js';
import type { FeedSource, FollowedTask } from './ws-sources.js';
import { type DeliveryRate, deliveryRate, type LatencySummary, summarize } from './ws-stats.js';

/** own: client i follows task i by id; shared: task i % tasks by id; all: `{all: true}`. */
export type FollowMode = 'own' | 'shared' | 'all';

export interface FollowPlan {
  mode: FollowMode;
  clients: number;
  tasks: number;
  taskMs: number;
  /** Task i sleeps taskMs × (1 + i / tasks): their progress steps spread out instead of coming
   * together (all tasks start in one claim). */
  stagger: boolean;
  socketsPerProcess: number;
}

export interface FollowResult extends FollowPlan {
  latency: LatencySummary;
  byKind: Record<string, LatencySummary>;
  /** Events the tasks wrote after `created` (started, progress..., succeeded). */
  eventsWritten: number;
  /** What the subscribers were owed: each event once per subscriber that follows its task. */
  owed: number;
  deliveries: number;
  rate: DeliveryRate;
  /** From resuming the queue to every client having seen its tasks end. */
  seconds: number;
  merged: number;
  mergedCovered: number;
  gaps: number;
  repeats: number;
  disconnects: number;
  firstProblem?: string;
  clientLoopDelayP99Ms: number;
  clientLoopDelayMaxMs: number;
  /** The service's own histogram of emit time minus `at`, over the run. */
  emitDelay?: EmitDelay;
  cpu: WsCpu;
}

function subscriptionsFor(plan: FollowPlan, tasks: FollowedTask[]): Subscription[] {
  return Array.from({ length: plan.clients }, (_, i): Subscription => {
    if (plan.mode === 'all') return { all: true };
    const task = tasks[plan.mode === 'own' ? i : i % tasks.length];
    return { taskId: task.id, afterSeq: task.lastSeq };
  });
}

/**
 * Prepares `plan.tasks` tasks that write nothing yet, connects and subscribes the clients, then
 * starts the tasks: every event the clients receive is live (none is replayed from the log).
 * Ends when every client has seen the end of every task it follows.
 */
export async function measureFollow(source: FeedSource, plan: FollowPlan): Promise<FollowResult> {
  const msOf = (i: number): number =>
    plan.stagger ? Math.round(plan.taskMs * (1 + i / plan.tasks)) : plan.taskMs;
  const tasks = await source.prepare(plan.tasks, msOf);
  const fleet = await ClientFleet.connect(
    source.url,
    source.token,
    plan.clients,
    plan.socketsPerProcess,
  );
  try {
    const subscriptions = subscriptionsFor(plan, tasks);
    await fleet.subscribe(subscriptions, plan.mode === 'all' ? plan.tasks : 1);
    await delay(500);
    await fleet.record();
    const delayBefore = await source.emitDelay();
    const meter = new WsCpuMeter(source, fleet);
    const started = performance.now();
    await source.start();
    await fleet.waitForFinals(msOf(plan.tasks) + 90_000);
    const seconds = (performance.now() - started) / 1000;
    const cpu = meter.read();
    const report = await fleet.report();
    const delayAfter = await source.emitDelay();
    const perTask = await source.eventsPerTask();
    const eventsWritten = [...perTask.values()].reduce((sum, n) => sum + n, 0);
    const owed =
      plan.mode === 'all'
        ? eventsWritten * plan.clients
        : subscriptions.reduce(
            (sum, s) => sum + ('taskId' in s ? (perTask.get(s.taskId) ?? 0) : 0),
            0,
          );
    return {
      ...plan,
      latency: summarize(report.all),
      byKind: Object.fromEntries([...report.latency].map(([kind, h]) => [kind, summarize(h)])),
      eventsWritten,
      owed,
      deliveries: report.deliveries,
      rate: deliveryRate(report.buckets),
      seconds,
      merged: report.merged,
      mergedCovered: report.mergedCovered,
      gaps: report.gaps,
      repeats: report.repeats,
      disconnects: report.disconnects,
      firstProblem: report.firstProblem,
      clientLoopDelayP99Ms: report.loopDelayP99Ms,
      clientLoopDelayMaxMs: report.loopDelayMaxMs,
      emitDelay: delayBefore && delayAfter && emitDelayBetween(delayBefore, delayAfter),
      cpu,
    };
  } finally {
    await fleet.close();
  }
}

export interface IdleResult {
  clients: number;
  /** VmRSS of the server just after it started, before anything was asked of it. */
  startRss: number;
  /** VmRSS of the server (the highest sample over 2 s) before any client connected, tasks made. */
  baselineRss: number;
  /** ... once the clients were connected, subscribed to nothing. */
  connectedRss: number;
  /** ... once each was also subscribed to one task of its own that writes no events. */
  subscribedRss: number;
  /** The highest sample from the first connection to the end. */
  peakRss: number;
  connectSeconds: number;
  /** The server etc. while the subscribed clients sat idle. */
  idleCpu: WsCpu;
}

async function steadyRss(pid: number, settleMs: number): Promise<number> {
  await delay(settleMs);
  const sampler = new ProcessRssSampler(pid);
  await delay(Math.min(2_000, Math.max(500, settleMs)));
  return Math.max(...(await sampler.stop()));
}

/**
 * Server VmRSS before `clients` connect, after, and after each has subscribed to one task that
 * writes nothing (never started). The tasks are made first, so that what making them cost is in
 * the baseline.
 */
export async function measureIdle(
  source: FeedSource,
  clients: number,
  socketsPerProcess: number,
  settleMs: number,
): Promise<IdleResult> {
  const startRss = await steadyRss(source.pid, 0);
  const tasks = await source.prepare(clients, () => 1000);
  const baselineRss = await steadyRss(source.pid, settleMs);
  const peak = new ProcessRssSampler(source.pid);
  const started = performance.now();
  const fleet = await ClientFleet.connect(source.url, source.token, clients, socketsPerProcess);
  try {
    const connectSeconds = (performance.now() - started) / 1000;
    const connectedRss = await steadyRss(source.pid, settleMs);
    await fleet.subscribe(
      tasks.map((task) => ({ taskId: task.id, afterSeq: task.lastSeq })),
      0,
    );
    await delay(settleMs / 3);
    const meter = new WsCpuMeter(source, fleet);
    const subscribedRss = await steadyRss(source.pid, settleMs);
    const idleCpu = meter.read();
    const peakRss = Math.max(...(await peak.stop()));
    return {
      clients,
      startRss,
      baselineRss,
      connectedRss,
      subscribedRss,
      peakRss,
      connectSeconds,
      idleCpu,
    };
  } finally {
    await fleet.close();
  }
}
