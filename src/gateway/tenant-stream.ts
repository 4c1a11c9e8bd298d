import { inTenantScope } from '../auth/api-key.js';
import type { TaskEventView } from '../tasks/task.js';
import type { StreamRow } from './gateway-reads.js';
import {
  clampPosition,
  covers,
  encodePosition,
  type Position,
  samePosition,
  type Snapshot,
  union,
} from './stream-position.js';

/** A tenant-stream event: a task event and the position to resume from after it. */
export type StreamEvent = TaskEventView & { position: string };

/** One socket's `all` subscription. */
export interface StreamFollower {
  /** Whose events it gets: its caller's tenantScope (undefined: every tenant's). */
  scope: string | undefined;
  /** What it has been sent. */
  position: Position;
  send(event: StreamEvent): void;
  /** Its connection has too much unsent: it reads on alone once that drains. */
  congested(): boolean;
}

export interface StreamReads {
  snapshotNow(): Promise<{ snapshot: Snapshot; top: bigint }>;
  delta(
    base: Snapshot,
    target: Snapshot,
    top: bigint,
    afterId: bigint | undefined,
    tenants: string[] | undefined,
    limit: number,
  ): Promise<StreamRow[]>;
}

/** Followers at one position, read for together. */
interface Group {
  position: Position;
  followers: Set<StreamFollower>;
  busy: boolean;
}

/**
 * Delivers `subscribe {all: true}`: every event of the follower's tenant (every tenant for an
 * admin), each once, in seq order per task, resumable from any position it handed out.
 *
 * A notification only starts a tick: a snapshot of what has committed, then for every group of
 * followers the events that snapshot sees and the group's position does not, page by page in id
 * order. Nothing depends on which notifications arrive or in what order. Followers at the same
 * position (all that keep up end every tick at its snapshot) share one read. A follower whose
 * connection is congested leaves its group at its own position and reads on alone when it drains
 * (back-pressure: nothing piles up in memory), and joins a group again where positions meet.
 */
export class TenantStream {
  private readonly groups = new Set<Group>();
  private readonly paused = new Set<StreamFollower>();
  private ticking = false;
  /** The snapshot of the latest tick: where every group is headed. */
  private latest?: { snapshot: Snapshot; top: bigint };
  private again = false;
  private retry?: NodeJS.Timeout;

  constructor(
    private readonly reads: StreamReads,
    private readonly pageSize: number,
    private readonly onError: (error: unknown) => void,
  ) {}

  /** Starts a follower now, or after a position it was given; answers its starting position. */
  async follow(follower: StreamFollower, after?: Position): Promise<string> {
    const now = await this.reads.snapshotNow();
    follower.position = after ? clampPosition(after, now.snapshot) : { base: now.snapshot };
    this.place(follower);
    if (after) this.wake();
    return encodePosition(follower.position);
  }

  unfollow(follower: StreamFollower): void {
    this.paused.delete(follower);
    for (const group of this.groups) {
      group.followers.delete(follower);
      if (group.followers.size === 0 && !group.busy) this.groups.delete(group);
    }
  }

  /** Its connection drained: it reads on. */
  resume(follower: StreamFollower): void {
    if (!this.paused.delete(follower)) return;
    this.place(follower);
    this.wake();
  }

  /** Something was committed (or, after the listener reconnected, may have been). */
  wake(): void {
    if (this.groups.size === 0) return;
    if (this.ticking) {
      this.again = true;
      return;
    }
    this.ticking = true;
    void this.tick();
  }

  get followers(): number {
    let count = this.paused.size;
    for (const group of this.groups) count += group.followers.size;
    return count;
  }

  private async tick(): Promise<void> {
    do {
      this.again = false;
      try {
        this.latest = await this.reads.snapshotNow();
        for (const group of this.groups) if (!group.busy) void this.advance(group);
      } catch (error) {
        this.failed(error);
      }
    } while (this.again);
    // Here, not in a callback a microtask later: a wake in between would be lost.
    this.ticking = false;
  }

  /**
   * Reads the group up to the latest tick's snapshot (finishing a delta it is in first), and on
   * to a newer one if a tick came while it read.
   */
  private async advance(group: Group): Promise<void> {
    group.busy = true;
    try {
      for (;;) {
        if (group.position.delta) await this.readDelta(group);
        // The latest tick now, not the one this read started for: a tick that came during the
        // read skipped this busy group, and counts on it to go on.
        const target = this.latest;
        const base = group.position.base;
        if (!target || group.followers.size === 0 || covers(base, target.snapshot)) break;
        group.position = { base, delta: { target: target.snapshot, top: target.top } };
      }
    } catch (error) {
      this.failed(error);
    } finally {
      group.busy = false;
    }
    this.settle(group);
  }

  /** Reads the group's delta to its end, page by page; stops early if its followers all left. */
  private async readDelta(group: Group): Promise<void> {
    const { base, delta } = group.position;
    if (!delta) return;
    const tenants = tenantsOf(group.followers);
    let afterId = delta.afterId;
    for (;;) {
      if (group.followers.size === 0) return;
      const rows = await this.reads.delta(
        base,
        delta.target,
        delta.top,
        afterId,
        tenants,
        this.pageSize,
      );
      for (const row of rows) {
        afterId = row.id;
        group.position = { base, delta: { ...delta, afterId } };
        this.deliver(group, row);
      }
      if (rows.length < this.pageSize) break;
    }
    group.position = { base: union(base, delta.target) };
  }

  private deliver(group: Group, row: StreamRow): void {
    const { tenant, id: _id, ...view } = row;
    let token: string | undefined;
    for (const follower of group.followers) {
      follower.position = group.position;
      if (!inTenantScope(follower.scope, tenant)) continue;
      token ??= encodePosition(group.position);
      follower.send({ ...view, position: token });
      if (follower.congested()) {
        group.followers.delete(follower);
        this.paused.add(follower);
      }
    }
  }

  /** After a read: followers take its position; groups at one position become one. */
  private settle(group: Group): void {
    for (const follower of group.followers) follower.position = group.position;
    if (group.followers.size === 0) {
      this.groups.delete(group);
      return;
    }
    for (const other of this.groups) {
      if (other === group || other.busy || !samePosition(other.position, group.position)) continue;
      for (const follower of group.followers) other.followers.add(follower);
      this.groups.delete(group);
      return;
    }
  }

  private place(follower: StreamFollower): void {
    for (const group of this.groups) {
      if (!group.busy && samePosition(group.position, follower.position)) {
        group.followers.add(follower);
        return;
      }
    }
    this.groups.add({ position: follower.position, followers: new Set([follower]), busy: false });
  }

  /** A read failed (the database, or the gateway's read queue full): try again shortly. */
  private failed(error: unknown): void {
    this.onError(error);
    this.retry ??= setTimeout(() => {
      this.retry = undefined;
      this.wake();
    }, 1000);
    this.retry.unref();
  }
}

function tenantsOf(followers: Set<StreamFollower>): string[] | undefined {
  const tenants = new Set<string>();
  for (const follower of followers) {
    if (follower.scope === undefined) return undefined;
    tenants.add(follower.scope);
  }
  return [...tenants];
}
