import { formatCount, formatMeasure, formatRatio } from './format.js';
import type { PgbenchCeiling } from './pgbench.js';
import type { Outcome, Row } from './tasks-report.js';
import { MB } from './tasks-upload.js';
import { describeWsCpu } from './ws-api.js';
import type { FollowMode, FollowResult, IdleResult } from './ws-measure.js';
import type { LatencySummary } from './ws-stats.js';

export { markdownTable, textTable } from './tasks-report.js';

/** A Taskyard figure and the bare Socket.IO reference measured the same way. */
export interface Pair<T> {
  taskyard: T;
  reference: Outcome<T>;
}

export interface WsResults {
  /** pgbench single-row INSERT(+NOTIFY) commits/s on the same server: the write ceiling. */
  pgbench?: PgbenchCeiling;
  latency: { clients: number; outcome: Outcome<Pair<FollowResult>> }[];
  fanout: {
    mode: FollowMode;
    clients: number;
    tasks: number;
    outcome: Outcome<Pair<FollowResult>>;
  }[];
  idle?: { clients: number; outcome: Outcome<Pair<IdleResult>> };
}

const LATENCY_GOAL_MS = 50;
const RATE_GOAL = 20_000;
const RSS_GOAL_MB = 150;

function met(ok: boolean): string {
  return ok ? 'yes' : 'NO';
}

function ms(p: LatencySummary): string {
  return `${formatMeasure(p.p50)} / ${formatMeasure(p.p95)} / ${formatMeasure(p.p99)}`;
}

function failed(measurement: string, error: string): Row {
  return { measurement, taskyard: 'failed', reference: error, ratio: '', goal: '', met: 'NO' };
}

function reference<T>(outcome: Outcome<T>, show: (value: T) => string): string {
  return outcome.ok
    ? `bare Socket.IO: ${show(outcome.value)}`
    : `bare Socket.IO failed: ${outcome.error}`;
}

function ratio<T>(value: number, outcome: Outcome<T>, of: (value: T) => number): string {
  return outcome.ok ? formatRatio(value / of(outcome.value)) : '';
}

function clientsLabel(clients: number): string {
  return `${formatCount(clients)} client${clients === 1 ? '' : 's'}`;
}

export function modeLabel(mode: FollowMode, tasks: number): string {
  if (mode === 'all') return `{all: true}, ${formatCount(tasks)} busy tasks`;
  if (mode === 'own') return 'each its own busy task';
  return `by id, ${formatCount(tasks)} busy tasks shared`;
}

function latencyRow({ clients, outcome }: WsResults['latency'][number]): Row {
  const label = `latency written→received, ${clientsLabel(clients)} each following its own busy task, p50 / p95 / p99 (ms)`;
  if (!outcome.ok) return failed(label, outcome.error);
  const { taskyard, reference: bare } = outcome.value;
  return {
    measurement: label,
    taskyard: ms(taskyard.latency),
    reference: reference(bare, (value) => ms(value.latency)),
    ratio: ratio(taskyard.latency.p99, bare, (value) => value.latency.p99),
    goal: `p99 <= ${LATENCY_GOAL_MS} ms`,
    met: met(taskyard.latency.p99 <= LATENCY_GOAL_MS),
  };
}

function fanoutRow({ mode, clients, tasks, outcome }: WsResults['fanout'][number]): Row {
  const label = `events/s delivered, ${clientsLabel(clients)} ${modeLabel(mode, tasks)}`;
  if (!outcome.ok) return failed(label, outcome.error);
  const { taskyard, reference: bare } = outcome.value;
  return {
    measurement: label,
    taskyard: formatCount(taskyard.rate.perSecond),
    reference: reference(bare, (value) => `${formatCount(value.rate.perSecond)}/s`),
    ratio: ratio(taskyard.rate.perSecond, bare, (value) => value.rate.perSecond),
    // Following by id, clients × one task's pace bounds what is offered: no test of the goal.
    goal: mode === 'all' ? `>= ${formatCount(RATE_GOAL)}/s` : '',
    met: mode === 'all' ? met(taskyard.rate.perSecond >= RATE_GOAL) : '',
  };
}

function mb(bytes: number): string {
  return formatMeasure(bytes / MB);
}

function idleRows({ clients, outcome }: NonNullable<WsResults['idle']>): Row[] {
  const label = `server VmRSS, ${clientsLabel(clients)} idle, one idle task each (MB)`;
  if (!outcome.ok) return [failed(label, outcome.error)];
  const { taskyard, reference: bare } = outcome.value;
  return [
    {
      measurement: label,
      taskyard: mb(taskyard.subscribedRss),
      reference: reference(bare, (value) => `${mb(value.subscribedRss)} MB`),
      ratio: ratio(taskyard.subscribedRss, bare, (value) => value.subscribedRss),
      goal: `<= ${RSS_GOAL_MB} MB`,
      met: met(taskyard.subscribedRss <= RSS_GOAL_MB * MB),
    },
    {
      measurement: `server VmRSS growth per idle client, connected + subscribed (kB)`,
      taskyard: formatMeasure((taskyard.subscribedRss - taskyard.baselineRss) / clients / 1000),
      reference: reference(
        bare,
        (value) =>
          `${formatMeasure((value.subscribedRss - value.baselineRss) / clients / 1000)} kB`,
      ),
      ratio: '',
      goal: '',
      met: '',
    },
  ];
}

export function resultRows(results: WsResults): Row[] {
  return [
    ...results.latency.map(latencyRow),
    ...results.fanout.map(fanoutRow),
    ...(results.idle ? idleRows(results.idle) : []),
  ];
}

function kinds(result: FollowResult): string {
  return Object.entries(result.byKind)
    .map(([kind, p]) => `${kind} ${formatCount(p.samples)} × p99 ${formatMeasure(p.p99)}`)
    .join(', ');
}

/** How long the tasks take when nothing holds them up (on average when staggered). */
function paceSeconds(plan: FollowResult): number {
  return (plan.taskMs * (plan.stagger ? 1.5 : 1)) / 1000;
}

function followLines(label: string, name: string, result: FollowResult): string[] {
  const delay = result.emitDelay;
  const lines = [
    `${label}, ${name}: ${formatMeasure(result.seconds)} s from start to the last task's end seen; ` +
      `${formatCount(result.eventsWritten)} events written ` +
      `(${formatCount(result.eventsWritten / result.seconds)}/s), ${formatCount(result.owed)} owed to ` +
      `subscribers (~${formatCount(result.owed / paceSeconds(result))}/s at the tasks' pace), ` +
      `${formatCount(result.deliveries)} delivered (${formatCount(result.merged)} of ` +
      `them merged progress standing for ${formatCount(result.mergedCovered)}); ` +
      `${formatCount(result.rate.perSecond)}/s over ${formatMeasure(result.rate.seconds)} s, ` +
      `busiest second ${formatCount(result.rate.peakPerSecond)}; latency max ` +
      `${formatMeasure(result.latency.max)} ms; by kind (ms): ${kinds(result)}`,
    `${label}, ${name}: gaps ${result.gaps}, repeats ${result.repeats}, disconnects ` +
      `${result.disconnects}${result.firstProblem ? ` (first: ${result.firstProblem})` : ''}; ` +
      `client event loop delay p99 ${formatMeasure(result.clientLoopDelayP99Ms)} ms, max ` +
      `${formatMeasure(result.clientLoopDelayMaxMs)} ms` +
      (delay && delay.count > 0
        ? `; service's own emit delay (taskyard_gateway_event_delay_seconds): mean ` +
          `${formatMeasure((delay.sumSeconds / delay.count) * 1000)} ms, ` +
          `${((delay.within50ms / delay.count) * 100).toFixed(1)}% within 50 ms`
        : ''),
    `${label}, ${name}: ${describeWsCpu(result.cpu)}`,
  ];
  return lines;
}

function pairLines<T>(
  label: string,
  outcome: Outcome<Pair<T>>,
  describe: (label: string, name: string, value: T) => string[],
): string[] {
  if (!outcome.ok) return [`${label}: failed: ${outcome.error}`];
  const { taskyard, reference: bare } = outcome.value;
  return [
    ...describe(label, 'Taskyard', taskyard),
    ...(bare.ok ? describe(label, 'bare Socket.IO', bare.value) : []),
  ];
}

function idleLines(label: string, name: string, idle: IdleResult): string[] {
  return [
    `${label}, ${name}: VmRSS at start ${mb(idle.startRss)} MB, with the idle tasks made ` +
      `${mb(idle.baselineRss)} MB, connected ${mb(idle.connectedRss)} MB, ` +
      `subscribed ${mb(idle.subscribedRss)} MB, peak ${mb(idle.peakRss)} MB; ` +
      `${formatCount(idle.clients)} connected in ${formatMeasure(idle.connectSeconds)} s`,
    `${label}, ${name} idle: ${describeWsCpu(idle.idleCpu)}`,
  ];
}

/** Details behind the table: events, deliveries, integrity, CPU of each measurement. */
export function detailLines(results: WsResults): string[] {
  const lines: string[] = [];
  if (results.pgbench) {
    lines.push(
      `PostgreSQL write ceiling (pgbench, same server): single-row INSERT+NOTIFY ` +
        `${results.pgbench.insertNotify} commits/s, INSERT ${results.pgbench.insert} commits/s`,
    );
  }
  for (const { clients, outcome } of results.latency) {
    lines.push(...pairLines(`latency ${clientsLabel(clients)}`, outcome, followLines));
  }
  for (const { mode, clients, tasks, outcome } of results.fanout) {
    const label = `fan-out ${clientsLabel(clients)} ${modeLabel(mode, tasks)}`;
    lines.push(...pairLines(label, outcome, followLines));
  }
  if (results.idle) {
    lines.push(
      ...pairLines(`idle ${clientsLabel(results.idle.clients)}`, results.idle.outcome, idleLines),
    );
  }
  return lines;
}
