import { type ChildProcess, fork } from 'node:child_process';
import { fileURLToPath } from 'node:url';
import { processTicks } from './tasks-cpu.js';
import type {
  ClientCommand,
  ClientReply,
  ClientReport,
  Subscription,
} from './ws-client-process.js';
import { type Buckets, type Histogram, mergeInto } from './ws-stats.js';

const CHILD_MODULE = fileURLToPath(new URL('./ws-client-process.js', import.meta.url));

/** What every client process received, put together. */
export interface FleetReport {
  latency: Map<string, Histogram>;
  /** All kinds together. */
  all: Histogram;
  deliveries: number;
  buckets: Buckets;
  merged: number;
  mergedCovered: number;
  gaps: number;
  repeats: number;
  disconnects: number;
  firstProblem?: string;
  /** The worst client process's event loop delay while recording, ms. */
  loopDelayP99Ms: number;
  loopDelayMaxMs: number;
}

class ClientProcess {
  private readonly waiting = new Map<ClientReply['type'], (reply: ClientReply) => void>();
  private readonly early = new Set<ClientReply['type']>();
  readonly exited: Promise<void>;

  constructor(readonly child: ChildProcess) {
    child.on('message', (reply: ClientReply) => {
      const waiter = this.waiting.get(reply.type);
      if (waiter) {
        this.waiting.delete(reply.type);
        waiter(reply);
      } else this.early.add(reply.type);
    });
    this.exited = new Promise((resolve) => child.once('exit', () => resolve()));
  }

  /** The next reply of that type (or one that came before anyone waited for it). */
  next<T extends ClientReply['type']>(type: T): Promise<Extract<ClientReply, { type: T }>> {
    if (this.early.delete(type))
      return Promise.resolve({ type } as Extract<ClientReply, { type: T }>);
    return new Promise((resolve, reject) => {
      this.waiting.set(type, resolve as (reply: ClientReply) => void);
      void this.exited.then(() => reject(new Error(`a client process exited awaiting ${type}`)));
    });
  }

  request<T extends ClientReply['type']>(
    command: ClientCommand,
    type: T,
  ): Promise<Extract<ClientReply, { type: T }>> {
    const answer = this.next(type);
    this.child.send(command);
    return answer;
  }

  ticks(): number {
    return processTicks(this.child.pid ?? 0, false) ?? 0;
  }
}

/** Socket.IO clients spread over child processes of at most `perProcess` sockets each. */
export class ClientFleet {
  private constructor(
    private readonly processes: ClientProcess[],
    private readonly counts: number[],
  ) {}

  get pids(): number[] {
    return this.processes.map((p) => p.child.pid ?? 0);
  }

  /** Forks the processes and connects `count` sockets to `url` with `token`; throws if any fails. */
  static async connect(
    url: string,
    token: string,
    count: number,
    perProcess: number,
  ): Promise<ClientFleet> {
    const counts: number[] = [];
    for (let left = count; left > 0; left -= perProcess) counts.push(Math.min(left, perProcess));
    const processes = counts.map(
      () => new ClientProcess(fork(CHILD_MODULE, [], { serialization: 'advanced' })),
    );
    const fleet = new ClientFleet(processes, counts);
    try {
      const replies = await Promise.all(
        processes.map((p, i) =>
          p.request({ type: 'connect', url, token, count: counts[i] }, 'connected'),
        ),
      );
      const failed = replies.reduce((sum, r) => sum + r.failed, 0);
      if (failed > 0) {
        const first = replies.find((r) => r.firstError)?.firstError;
        throw new Error(`${failed} of ${count} Socket.IO clients could not connect: ${first}`);
      }
      return fleet;
    } catch (error) {
      await fleet.close();
      throw error;
    }
  }

  /**
   * Subscribes socket i to `subscriptions[i]`; resolves when every process has all its acks.
   * `finals` is how many final events each socket is to receive (see waitForFinals).
   */
  async subscribe(subscriptions: Subscription[], finals: number): Promise<void> {
    let start = 0;
    const replies = await Promise.all(
      this.processes.map((p, i) => {
        const mine = subscriptions.slice(start, start + this.counts[i]);
        start += this.counts[i];
        return p.request({ type: 'subscribe', subscriptions: mine, finals }, 'subscribed');
      }),
    );
    const refused = replies.reduce((sum, r) => sum + r.refused, 0);
    if (refused > 0) {
      const first = replies.find((r) => r.firstError)?.firstError;
      throw new Error(`${refused} subscriptions were refused: ${first}`);
    }
  }

  async record(): Promise<void> {
    await Promise.all(this.processes.map((p) => p.request({ type: 'record' }, 'recording')));
  }

  /** Resolves once every socket has had its final events; rejects after `timeoutMs`. */
  async waitForFinals(timeoutMs: number): Promise<void> {
    let timer: NodeJS.Timeout | undefined;
    const timeout = new Promise<never>((_, reject) => {
      timer = setTimeout(
        () => reject(new Error(`not every client saw its tasks end within ${timeoutMs} ms`)),
        timeoutMs,
      );
    });
    try {
      await Promise.race([Promise.all(this.processes.map((p) => p.next('finals'))), timeout]);
    } finally {
      clearTimeout(timer);
    }
  }

  /** CPU ticks of the client processes so far. */
  ticks(): number {
    return this.processes.reduce((sum, p) => sum + p.ticks(), 0);
  }

  async report(): Promise<FleetReport> {
    const reports = await Promise.all(
      this.processes.map(async (p) => (await p.request({ type: 'report' }, 'report')).report),
    );
    return merge(reports);
  }

  async close(): Promise<void> {
    await Promise.all(
      this.processes.map(async (p) => {
        if (p.child.exitCode !== null || p.child.signalCode !== null) return;
        const timer = setTimeout(() => p.child.kill('SIGKILL'), 5_000);
        p.child.send({ type: 'close' } satisfies ClientCommand);
        await p.exited;
        clearTimeout(timer);
      }),
    );
  }
}

function merge(reports: ClientReport[]): FleetReport {
  const latency = new Map<string, Histogram>();
  const all: Histogram = new Map();
  const buckets: Buckets = new Map();
  const sum = (
    key: 'deliveries' | 'merged' | 'mergedCovered' | 'gaps' | 'repeats' | 'disconnects',
  ) => reports.reduce((total, report) => total + report[key], 0);
  for (const report of reports) {
    for (const [kind, entries] of Object.entries(report.latency)) {
      const histogram = latency.get(kind) ?? new Map<number, number>();
      latency.set(kind, histogram);
      mergeInto(histogram, entries);
      mergeInto(all, entries);
    }
    mergeInto(buckets, report.buckets);
  }
  return {
    latency,
    all,
    deliveries: sum('deliveries'),
    buckets,
    merged: sum('merged'),
    mergedCovered: sum('mergedCovered'),
    gaps: sum('gaps'),
    repeats: sum('repeats'),
    disconnects: sum('disconnects'),
    firstProblem: reports.find((report) => report.firstProblem)?.firstProblem,
    loopDelayP99Ms: Math.max(0, ...reports.map((report) => report.loopDelayP99Ms)),
    loopDelayMaxMs: Math.max(0, ...reports.map((report) => report.loopDelayMaxMs)),
  };
}
