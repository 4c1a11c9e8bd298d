import {
  Injectable,
  type OnApplicationBootstrap,
  type OnApplicationShutdown,
} from '@nestjs/common';
import { Pool } from 'pg';
import { AppConfig } from '../config/app-config.js';
import { pgConnectionSettings } from '../database/connection-options.js';
import { prepared } from '../database/db.js';
import { GroupCommit, type GroupCommitPolicy } from '../database/group-commit.js';
import { ProblemException } from '../http/problem.js';
import { ContextLogger, InjectLogger } from '../logging/logger.js';
import type { TaskEventView } from '../tasks/task.js';
import { formatSnapshot, parseSnapshot, sees, type Snapshot } from './stream-position.js';

/** An event as the feeds read it, with its task's tenant. */
export interface FeedEvent extends TaskEventView {
  tenant: string;
}

/** An event of the tenant stream, with its place in the delta. */
export interface StreamRow extends FeedEvent {
  id: bigint;
}

/** Thrown when the gateway's reads are queued to their limit: a 503 the client may retry. */
export class GatewayBusyError extends ProblemException {
  constructor() {
    super({
      status: 503,
      detail: 'The live feed is busy; subscribe again shortly.',
      extensions: { retryAfter: 1 },
      headers: { 'Retry-After': '1' },
    });
  }
}

interface EventRow {
  task_id: string;
  seq: number;
  kind: string;
  data: unknown;
  at: Date;
  tenant: string;
  id?: string;
}

const COLUMNS = `e.task_id, e.seq, e.kind, e.data, e.at, t.tenant, e.id::text AS id`;

const TASK_TENANT = prepared('gateway.task-tenant', `SELECT tenant FROM tasks WHERE id = $1`);

/**
 * Pages of many tasks' logs in one round trip: the reads of a burst of notifications (each task's
 * events after a seq) share one statement. `i` says which request a row answers.
 */
const TASK_PAGES = prepared(
  'gateway.task-pages',
  `SELECT r.i, ${COLUMNS}
   FROM unnest($1::uuid[], $2::int[], $3::int[]) WITH ORDINALITY AS r(task_id, after_seq, lim, i)
   JOIN tasks t ON t.id = r.task_id
   CROSS JOIN LATERAL (
     SELECT * FROM task_events e WHERE e.task_id = r.task_id AND e.seq > r.after_seq
     ORDER BY e.seq LIMIT r.lim) e
   ORDER BY r.i, e.seq`,
);

/** A page of one task's log: its events after `afterSeq`, at most `limit`. */
interface PageRequest {
  taskId: string;
  afterSeq: number;
  limit: number;
}

/** Reads that come while one is in flight share the next; a failed one fails all of its batch. */
const PAGE_BATCHES: GroupCommitPolicy = { maxBatch: 200, failedBatch: 'fail-all' };

/** The statement's own snapshot, and the highest event id handed out when it is read (later). */
const SNAPSHOT = prepared(
  'gateway.snapshot',
  `SELECT pg_current_snapshot()::text AS snapshot,
          (SELECT last_value FROM task_events_id_seq)::text AS top`,
);

/**
 * A delta's first page: events of the transactions `target` sees and `base` does not — those
 * from `base.xmax` up to `target.xmax`, and those of `base`'s in-progress list that have ended —
 * found through the index on xid, in id order.
 */
const DELTA_FIRST = prepared(
  'gateway.delta-first',
  `SELECT ${COLUMNS} FROM task_events e JOIN tasks t ON t.id = e.task_id
   WHERE ((e.xid >= $1::xid8 AND e.xid < $2::xid8) OR e.xid = ANY($3::xid8[]))
     AND pg_visible_in_snapshot(e.xid, $4::pg_snapshot)
     AND NOT pg_visible_in_snapshot(e.xid, $5::pg_snapshot)
     AND ($6::text[] IS NULL OR t.tenant = ANY($6))
   ORDER BY e.id LIMIT $7`,
);

/**
 * The pages after it walk the id index from the last id sent (no xid range here, so the planner
 * takes that index and each page costs what it returns, however long the delta).
 */
const DELTA_NEXT = prepared(
  'gateway.delta-next',
  `SELECT ${COLUMNS} FROM task_events e JOIN tasks t ON t.id = e.task_id
   WHERE e.id > $1 AND e.id <= $2
     AND pg_visible_in_snapshot(e.xid, $3::pg_snapshot)
     AND NOT pg_visible_in_snapshot(e.xid, $4::pg_snapshot)
     AND ($5::text[] IS NULL OR t.tenant = ANY($5))
   ORDER BY e.id LIMIT $6`,
);

/**
 * Every database read of the live feed, on a pool of its own (GATEWAY_DATABASE_POOL_SIZE) with a
 * bounded queue (GATEWAY_READ_QUEUE): however many clients subscribe, the feed never takes a
 * connection that HTTP requests, the worker or the health checks need, and a read past the queue
 * is refused at once (GatewayBusyError) instead of waiting in memory.
 */
@Injectable()
export class GatewayReads implements OnApplicationBootstrap, OnApplicationShutdown {
  private readonly pool: Pool;
  private readonly maxQueued: number;
  private readonly pageReads = new GroupCommit<PageRequest, FeedEvent[]>(
    (requests) => this.taskPages(requests),
    PAGE_BATCHES,
  );

  constructor(
    config: AppConfig,
    @InjectLogger('gateway') private readonly logger: ContextLogger,
  ) {
    this.maxQueued = config.gateway.readQueue;
    this.pool = new Pool({
      ...pgConnectionSettings(config.database),
      max: config.gateway.databasePoolSize,
      connectionTimeoutMillis: config.database.connectTimeoutMs,
      application_name: 'taskyard-gateway',
    });
    this.pool.on('error', (error) =>
      this.logger.warn({ err: error }, 'gateway: idle connection lost'),
    );
  }

  /** One connection opened before the first subscriber, who would otherwise wait for it. */
  async onApplicationBootstrap(): Promise<void> {
    await this.pool.query('SELECT 1').catch(() => undefined);
  }

  async onApplicationShutdown(): Promise<void> {
    await this.pool.end();
  }

  get queued(): number {
    return this.pool.waitingCount;
  }

  /** The task's tenant, undefined if there is no such task; TasksService says who may see it. */
  async tenantOf(taskId: string): Promise<string | undefined> {
    const [row] = await this.query<{ tenant: string }>(TASK_TENANT([taskId]));
    return row?.tenant;
  }

  taskPage(taskId: string, afterSeq: number, limit: number): Promise<FeedEvent[]> {
    return this.pageReads.add({ taskId, afterSeq, limit });
  }

  private async taskPages(requests: PageRequest[]): Promise<FeedEvent[][]> {
    const rows = await this.query<EventRow & { i: string }>(
      TASK_PAGES([
        requests.map((r) => r.taskId),
        requests.map((r) => r.afterSeq),
        requests.map((r) => r.limit),
      ]),
    );
    const pages = requests.map((): FeedEvent[] => []);
    for (const row of rows) pages[Number(row.i) - 1]?.push(toFeedEvent(row));
    return pages;
  }

  async snapshotNow(): Promise<{ snapshot: Snapshot; top: bigint }> {
    const [row] = await this.query<{ snapshot: string; top: string }>(SNAPSHOT([]));
    const snapshot = parseSnapshot(row?.snapshot ?? '');
    if (!snapshot) throw new Error(`unexpected snapshot ${row?.snapshot}`);
    return { snapshot, top: BigInt(row?.top ?? 0) };
  }

  /** A page of the events `target` sees and `base` does not, in id order, after `afterId`. */
  async delta(
    base: Snapshot,
    target: Snapshot,
    top: bigint,
    afterId: bigint | undefined,
    tenants: string[] | undefined,
    limit: number,
  ): Promise<StreamRow[]> {
    const [b, t] = [formatSnapshot(base), formatSnapshot(target)];
    const query =
      afterId === undefined
        ? DELTA_FIRST([
            String(base.xmax),
            String(target.xmax),
            base.xip.filter((x) => sees(target, x)).map(String),
            t,
            b,
            tenants ?? null,
            limit,
          ])
        : DELTA_NEXT([String(afterId), String(top), t, b, tenants ?? null, limit]);
    return (await this.query<EventRow>(query)).map((row) => ({
      ...toFeedEvent(row),
      id: BigInt(row.id ?? 0),
    }));
  }

  private async query<Row extends object>(query: {
    text: string;
    values?: unknown[];
    name?: string;
  }): Promise<Row[]> {
    if (this.pool.waitingCount >= this.maxQueued) {
      throw new GatewayBusyError();
    }
    return (await this.pool.query(query)).rows as Row[];
  }
}

function toFeedEvent(row: EventRow): FeedEvent {
  return {
    taskId: row.task_id,
    seq: row.seq,
    kind: row.kind,
    at: row.at,
    data: row.data,
    tenant: row.tenant,
  };
}
