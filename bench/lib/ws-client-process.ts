// A client process of bench:ws: holds many Socket.IO clients of the /tasks namespace, driven by
// its parent over IPC (ws-clients.ts), and sends back what they received.
import { monitorEventLoopDelay } from 'node:perf_hooks';
import { io, type Socket } from 'socket.io-client';
import { type Buckets, type Histogram, type HistogramEntries, record } from './ws-stats.js';

export type Subscription = { taskId: string; afterSeq: number } | { all: true };

export type ClientCommand =
  | { type: 'connect'; url: string; token: string; count: number }
  /** One subscription per socket (socket i gets subscriptions[i]); `finals` per socket. */
  | { type: 'subscribe'; subscriptions: Subscription[]; finals: number }
  | { type: 'record' }
  | { type: 'report' }
  | { type: 'close' };

export interface ClientReport {
  /** Latency (ms, receipt time minus `at`) of every event received while recording, by kind. */
  latency: Record<string, HistogramEntries>;
  deliveries: number;
  buckets: HistogramEntries;
  /** Events carrying `replaces` (merged progress), and the events they stood for. */
  merged: number;
  mergedCovered: number;
  /** Per socket and task: an event whose seq did not follow the last one (gap), or repeated it. */
  gaps: number;
  repeats: number;
  firstProblem?: string;
  disconnects: number;
  /** This process's event loop delay while recording, ms. */
  loopDelayP99Ms: number;
  loopDelayMaxMs: number;
}

export type ClientReply =
  | { type: 'connected'; failed: number; firstError?: string }
  | { type: 'subscribed'; refused: number; firstError?: string }
  | { type: 'recording' }
  | { type: 'finals' }
  | { type: 'report'; report: ClientReport }
  | { type: 'closed' };

interface TaskEvent {
  taskId: string;
  seq: number;
  kind: string;
  at: string;
  replaces?: number;
}

const FINAL_KINDS = new Set(['succeeded', 'failed', 'cancelled']);
const BATCH = 50;

const sockets: Socket[] = [];
let recording = false;
let finalsExpected = Number.POSITIVE_INFINITY;
let finalsSeen = 0;
const latency = new Map<string, Histogram>();
const buckets: Buckets = new Map();
const lastSeq = new Map<string, number>();
const tally = { deliveries: 0, merged: 0, mergedCovered: 0, gaps: 0, repeats: 0, disconnects: 0 };
let firstProblem: string | undefined;
const loopDelay = monitorEventLoopDelay({ resolution: 1 });

function reply(message: ClientReply): void {
  process.send?.(message);
}

function problem(text: string): void {
  firstProblem ??= text;
}

function received(socketIndex: number, event: TaskEvent): void {
  const now = Date.now();
  const key = `${socketIndex}:${event.taskId}`;
  const last = lastSeq.get(key);
  const first = event.replaces ?? event.seq;
  if (last !== undefined && event.seq <= last) {
    tally.repeats += 1;
    problem(`socket ${socketIndex} task ${event.taskId}: seq ${event.seq} after ${last}`);
  } else if (last !== undefined && first !== last + 1) {
    tally.gaps += 1;
    problem(`socket ${socketIndex} task ${event.taskId}: seq ${first} after ${last}`);
  }
  lastSeq.set(key, Math.max(last ?? 0, event.seq));
  if (FINAL_KINDS.has(event.kind)) {
    finalsSeen += 1;
    if (finalsSeen === finalsExpected) reply({ type: 'finals' });
  }
  if (!recording) return;
  tally.deliveries += 1;
  if (event.replaces !== undefined) {
    tally.merged += 1;
    tally.mergedCovered += event.seq - event.replaces + 1;
  }
  const kind = FINAL_KINDS.has(event.kind) ? 'final' : event.kind;
  const histogram = latency.get(kind) ?? new Map<number, number>();
  latency.set(kind, histogram);
  record(histogram, now - Date.parse(event.at));
  record(buckets, Math.floor(now / 100));
}

function connectOne(url: string, token: string, index: number): Promise<string | undefined> {
  const socket = io(url, {
    auth: { token },
    transports: ['websocket'],
    reconnection: false,
    forceNew: true,
    timeout: 30_000,
  });
  sockets[index] = socket;
  socket.on('task.event', (event: TaskEvent) => received(index, event));
  return new Promise((resolve) => {
    socket.once('connect', () => {
      socket.on('disconnect', (reason) => {
        tally.disconnects += 1;
        problem(`socket ${index} disconnected: ${reason}`);
      });
      resolve(undefined);
    });
    socket.once('connect_error', (error) => resolve(error.message));
  });
}

/** Runs `work` for 0..count-1, `BATCH` at a time; the errors it returned. */
async function inBatches(
  count: number,
  work: (index: number) => Promise<string | undefined>,
): Promise<string[]> {
  const errors: string[] = [];
  for (let start = 0; start < count; start += BATCH) {
    const end = Math.min(count, start + BATCH);
    const results = await Promise.all(
      Array.from({ length: end - start }, (_, i) => work(start + i)),
    );
    for (const error of results) if (error !== undefined) errors.push(error);
  }
  return errors;
}

async function subscribe(subscriptions: Subscription[]): Promise<string[]> {
  return inBatches(subscriptions.length, async (index) => {
    const subscription = subscriptions[index];
    if ('taskId' in subscription) {
      lastSeq.set(`${index}:${subscription.taskId}`, subscription.afterSeq);
    }
    const ack = (await sockets[index]
      .timeout(60_000)
      .emitWithAck('subscribe', subscription)
      .catch((error: Error) => ({ ok: false, error: error.message }))) as {
      ok: boolean;
      error?: unknown;
    };
    return ack.ok ? undefined : JSON.stringify(ack.error ?? ack);
  });
}

function entries(histogram: Histogram): HistogramEntries {
  return [...histogram.entries()];
}

async function handle(command: ClientCommand): Promise<void> {
  switch (command.type) {
    case 'connect': {
      const first = sockets.length;
      const errors = await inBatches(command.count, (i) =>
        connectOne(command.url, command.token, first + i),
      );
      reply({ type: 'connected', failed: errors.length, firstError: errors[0] });
      return;
    }
    case 'subscribe': {
      finalsExpected = command.finals * command.subscriptions.length;
      const errors = await subscribe(command.subscriptions);
      reply({ type: 'subscribed', refused: errors.length, firstError: errors[0] });
      if (finalsSeen >= finalsExpected) reply({ type: 'finals' });
      return;
    }
    case 'record':
      recording = true;
      loopDelay.enable();
      reply({ type: 'recording' });
      return;
    case 'report':
      recording = false;
      loopDelay.disable();
      reply({
        type: 'report',
        report: {
          latency: Object.fromEntries([...latency].map(([kind, h]) => [kind, entries(h)])),
          buckets: entries(buckets),
          ...tally,
          firstProblem,
          loopDelayP99Ms: loopDelay.count > 0 ? loopDelay.percentile(99) / 1e6 : 0,
          loopDelayMaxMs: loopDelay.count > 0 ? loopDelay.max / 1e6 : 0,
        },
      });
      return;
    case 'close':
      for (const socket of sockets) socket.disconnect();
      reply({ type: 'closed' });
      setTimeout(() => process.exit(0), 100).unref();
      return;
  }
}

process.on('message', (command: ClientCommand) => {
  handle(command).catch((error: unknown) => {
    console.error(error);
    process.exit(1);
  });
});
// The parent went away: nothing to report to.
process.on('disconnect', () => process.exit(0));
