import { readdirSync, readFileSync } from 'node:fs';
import { cpus } from 'node:os';

/** Clock ticks per second of /proc's CPU times (USER_HZ; 100 on every Linux of note). */
const TICKS_PER_S = 100;

/** utime + stime (+ cutime + cstime: children it has waited for) of a process, in ticks. */
export function processTicks(pid: number | 'self', withChildren: boolean): number | undefined {
  let stat: string;
  try {
    stat = readFileSync(`/proc/${pid}/stat`, 'utf8');
  } catch {
    return undefined;
  }
  // Fields after the command name, which is in parentheses and may hold spaces.
  const fields = stat.slice(stat.lastIndexOf(')') + 2).split(' ');
  // Field 14 of the full line (utime) is index 11 here; stime 12, cutime 13, cstime 14.
  const own = Number(fields[11]) + Number(fields[12]);
  return withChildren ? own + Number(fields[13]) + Number(fields[14]) : own;
}

const POSTGRES_SAMPLE_EVERY_MS = 250;

/**
 * CPU of the PostgreSQL processes that work for one database: its backends (their title names the
 * database) and the server's background processes (WAL writer, checkpointer...), without the
 * backends of other databases. Sampled every 250 ms, so that a backend that exits meanwhile still
 * counts with the ticks it had at its last sample.
 */
class PostgresTicks {
  readonly #start = new Map<number, number>();
  readonly #last = new Map<number, number>();
  readonly #timer: NodeJS.Timeout;

  constructor(private readonly database: string | undefined) {
    for (const [pid, ticks] of this.#read()) this.#start.set(pid, ticks);
    this.#timer = setInterval(() => this.sample(), POSTGRES_SAMPLE_EVERY_MS).unref();
  }

  sample(): void {
    for (const [pid, ticks] of this.#read()) this.#last.set(pid, ticks);
  }

  /** Ticks used since construction. */
  stop(): number {
    clearInterval(this.#timer);
    this.sample();
    let total = 0;
    for (const [pid, ticks] of this.#last) total += ticks - (this.#start.get(pid) ?? 0);
    return total;
  }

  #read(): Map<number, number> {
    const found = new Map<number, number>();
    for (const entry of readdirSync('/proc')) {
      if (!/^\d+$/.test(entry)) continue;
      try {
        if (readFileSync(`/proc/${entry}/comm`, 'utf8') !== 'postgres\n') continue;
        const title = readFileSync(`/proc/${entry}/cmdline`, 'utf8').replaceAll('\0', ' ');
        // A backend's title: "postgres: 15/main: <user> <database> <host>(<port>) <state>".
        const backend = /\(\d+\)/.exec(title) !== null || / \[local\]/.test(title);
        if (backend && (this.database === undefined || !title.split(' ').includes(this.database))) {
          continue;
        }
      } catch {
        continue;
      }
      const ticks = processTicks(Number(entry), false);
      if (ticks !== undefined) found.set(Number(entry), ticks);
    }
    return found;
  }
}

function machineTicks(): { busy: number; total: number } {
  const line = readFileSync('/proc/stat', 'utf8').split('\n')[0];
  const values = line.trim().split(/\s+/).slice(1, 9).map(Number);
  const total = values.reduce((sum, value) => sum + value, 0);
  const idle = values[3] + values[4]; // idle + iowait
  return { busy: total - idle, total };
}

interface CpuSnapshot {
  at: number;
  service: number;
  redis: number;
  bench: number;
  machine: { busy: number; total: number };
}

/** CPU used over an interval, in cores (1.0 = one CPU busy the whole time). */
export interface CpuUse {
  seconds: number;
  service: number;
  /** The database's backends and the server's background processes. */
  postgres: number;
  /** redis-server, when one was metered (the store of bench:tasks' reference service). */
  redis?: number;
  /** This process and the children it has waited for (psql, cp). */
  bench: number;
  machine: number;
  /** Machine busy time not accounted for by the figures above: other work on the machine (and
   * other databases' backends). */
  other: number;
  cpus: number;
}

/**
 * CPU times of the service process, of PostgreSQL working for `database` (all databases when
 * undefined), of a redis-server process if given, of this process and of the whole machine, from
 * construction to read().
 */
export class CpuMeter {
  readonly #servicePid: number | undefined;
  readonly #redisPid: number | undefined;
  readonly #postgres: PostgresTicks;
  readonly #start: CpuSnapshot;

  constructor(servicePid: number | undefined, database: string | undefined, redisPid?: number) {
    this.#servicePid = servicePid;
    this.#redisPid = redisPid;
    this.#postgres = new PostgresTicks(database);
    this.#start = this.#snapshot();
  }

  /** CPU used since the meter was made; call once. */
  read(): CpuUse {
    const end = this.#snapshot();
    const postgresTicks = this.#postgres.stop();
    const start = this.#start;
    const seconds = (end.at - start.at) / 1000;
    const cores = (ticks: number): number => ticks / TICKS_PER_S / Math.max(seconds, 1e-3);
    const service = cores(end.service - start.service);
    const postgres = cores(postgresTicks);
    const bench = cores(end.bench - start.bench);
    const redis = this.#redisPid === undefined ? undefined : cores(end.redis - start.redis);
    const cpuCount = cpus().length;
    // /proc/stat counts all CPUs together.
    const machineShare =
      (end.machine.busy - start.machine.busy) /
      Math.max(end.machine.total - start.machine.total, 1);
    const machine = machineShare * cpuCount;
    return {
      seconds,
      service,
      postgres,
      redis,
      bench,
      machine,
      other: Math.max(0, machine - service - postgres - (redis ?? 0) - bench),
      cpus: cpuCount,
    };
  }

  #snapshot(): CpuSnapshot {
    return {
      at: performance.now(),
      service: this.#servicePid === undefined ? 0 : (processTicks(this.#servicePid, false) ?? 0),
      redis: this.#redisPid === undefined ? 0 : (processTicks(this.#redisPid, false) ?? 0),
      bench: processTicks('self', true) ?? 0,
      machine: machineTicks(),
    };
  }
}

function f(value: number): string {
  return value.toFixed(2);
}

export function describeCpu(use: CpuUse): string {
  return (
    `CPU in cores over ${use.seconds.toFixed(1)} s: service ${f(use.service)}, ` +
    `PostgreSQL ${f(use.postgres)}, ` +
    (use.redis === undefined ? '' : `redis-server ${f(use.redis)}, `) +
    `bench client ${f(use.bench)}, other ${f(use.other)}; ` +
    `machine ${f(use.machine)} of ${use.cpus}`
  );
}

/** CPU time per task, in ms, of `cores` used over `use`'s interval for `tasks` tasks. */
export function cpuMsPerTask(cores: number, use: CpuUse, tasks: number): number {
  return (cores * use.seconds * 1000) / tasks;
}

/** The database name in a postgres:// URL. */
export function databaseNameOf(url: string): string {
  return decodeURIComponent(new URL(url).pathname.slice(1));
}
