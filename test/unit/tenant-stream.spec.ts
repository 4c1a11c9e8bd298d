import type { StreamRow } from '../../src/gateway/gateway-reads.js';
import {
  decodePosition,
  type Position,
  sees,
  type Snapshot,
} from '../../src/gateway/stream-position.js';
import {
  type StreamEvent,
  type StreamFollower,
  type StreamReads,
  TenantStream,
} from '../../src/gateway/tenant-stream.js';

const PAGE = 4;

/**
 * A log with transactions as PostgreSQL numbers them: `begin` takes an xid, `write` adds rows with
 * ids from one sequence, `commit` ends it. Snapshots and deltas follow pg_snapshot's rules.
 */
class FakeLog implements StreamReads {
  private nextXid = 100n;
  private nextId = 1n;
  private readonly running = new Set<bigint>();
  private readonly rows: (StreamRow & { xid: bigint })[] = [];
  private readonly seqs = new Map<string, number>();

  begin(): bigint {
    const xid = this.nextXid++;
    this.running.add(xid);
    return xid;
  }

  write(xid: bigint, taskId: string, tenant = 'acme'): void {
    const seq = (this.seqs.get(taskId) ?? 0) + 1;
    this.seqs.set(taskId, seq);
    const at = new Date(0);
    this.rows.push({
      xid,
      id: this.nextId++,
      taskId,
      seq,
      kind: 'progress',
      at,
      data: null,
      tenant,
    });
  }

  commit(xid: bigint): void {
    this.running.delete(xid);
  }

  async snapshotNow(): Promise<{ snapshot: Snapshot; top: bigint }> {
    const xip = [...this.running].sort((a, b) => (a < b ? -1 : 1));
    const snapshot = { xmin: xip[0] ?? this.nextXid, xmax: this.nextXid, xip };
    return { snapshot, top: this.nextId - 1n };
  }

  async delta(
    base: Snapshot,
    target: Snapshot,
    top: bigint,
    afterId: bigint | undefined,
    tenants: string[] | undefined,
    limit: number,
  ): Promise<StreamRow[]> {
    return this.rows
      .filter((r) => sees(target, r.xid) && !sees(base, r.xid))
      .filter((r) => afterId === undefined || (r.id > afterId && r.id <= top))
      .filter((r) => !tenants || tenants.includes(r.tenant))
      .sort((a, b) => (a.id < b.id ? -1 : 1))
      .slice(0, limit)
      .map(({ xid: _xid, ...row }) => row);
  }
}

function follower(room = Infinity, tenant = 'acme') {
  const got: StreamEvent[] = [];
  let unsent = 0;
  const f: StreamFollower & { got: StreamEvent[]; drain(): void } = {
    scope: tenant,
    position: { base: { xmin: 0n, xmax: 0n, xip: [] } },
    got,
    send: (event) => {
      unsent++;
      got.push(event);
    },
    congested: () => unsent >= room,
    drain: () => (unsent = 0),
  };
  return f;
}

const settle = () => new Promise((resolve) => setTimeout(resolve, 5));
const seqsOf = (events: StreamEvent[], taskId: string) =>
  events.filter((e) => e.taskId === taskId).map((e) => e.seq);
const fail = (error: unknown) => {
  throw error;
};

describe('TenantStream', () => {
  it('sends an event committed after a later one once its transaction ends, never skipping it', async () => {
    const log = new FakeLog();
    const stream = new TenantStream(log, PAGE, fail);
    const fast = follower();
    await stream.follow(fast);
    const slow = log.begin();
    log.write(slow, 'a'); // id 1, committed last
    const quick = log.begin();
    log.write(quick, 'b'); // id 2
    log.commit(quick);
    stream.wake();
    await settle();
    expect(fast.got.map((e) => e.taskId)).toEqual(['b']);
    log.commit(slow);
    stream.wake();
    await settle();
    expect(fast.got.map((e) => e.taskId)).toEqual(['b', 'a']);
  });

  it('goes on to a tick that came while its group was reading, with no later notification', async () => {
    const log = new FakeLog();
    let release: (() => void) | undefined;
    const gated: StreamReads = {
      snapshotNow: () => log.snapshotNow(),
      delta: async (...args) => {
        if (release === undefined) await new Promise<void>((resolve) => (release = resolve));
        return log.delta(...args);
      },
    };
    const stream = new TenantStream(gated, PAGE, fail);
    const one = follower();
    await stream.follow(one);
    const first = log.begin();
    log.write(first, 'a');
    log.commit(first);
    stream.wake(); // its group's read waits at the gate
    await settle();
    const second = log.begin();
    log.write(second, 'a');
    log.commit(second);
    stream.wake(); // the group is busy: this tick leaves it to the group
    await settle();
    release?.();
    await settle();
    expect(seqsOf(one.got, 'a')).toEqual([1, 2]);
  });

  it('lets a congested follower fall behind and catch up alone, each event once, in order', async () => {
    const log = new FakeLog();
    const stream = new TenantStream(log, PAGE, fail);
    const fast = follower();
    const slow = follower(3);
    await stream.follow(fast);
    await stream.follow(slow);
    for (let i = 0; i < 10; i++) {
      const xid = log.begin();
      log.write(xid, 'a');
      log.write(xid, i % 2 ? 'b' : 'c', i % 3 ? 'acme' : 'globex');
      log.commit(xid);
    }
    stream.wake();
    await settle();
    expect(slow.got).toHaveLength(3);
    while (slow.got.length < fast.got.length) {
      slow.drain();
      stream.resume(slow);
      await settle();
    }
    expect(slow.got).toEqual(fast.got);
    expect(seqsOf(fast.got, 'a')).toEqual([1, 2, 3, 4, 5, 6, 7, 8, 9, 10]);
    expect(fast.got.some((e) => e.taskId === 'c' && e.seq === 1)).toBe(false); // globex's
  });

  it("resumes from any event's position with exactly what came after it", async () => {
    const log = new FakeLog();
    const stream = new TenantStream(log, PAGE, fail);
    const first = follower();
    await stream.follow(first);
    for (let i = 0; i < 9; i++) {
      const xid = log.begin();
      log.write(xid, `t${i % 3}`);
      if (i % 4 !== 3) log.commit(xid);
      else setTimeout(() => log.commit(xid), 1);
      stream.wake();
      await settle();
    }
    stream.wake();
    await settle();
    expect(first.got).toHaveLength(9);
    for (let cut = 0; cut < first.got.length; cut++) {
      const again = follower();
      const position = decodePosition(first.got[cut]?.position ?? '') as Position;
      await stream.follow(again, position);
      await settle();
      expect(again.got.map(({ taskId, seq }) => [taskId, seq])).toEqual(
        first.got.slice(cut + 1).map(({ taskId, seq }) => [taskId, seq]),
      );
      stream.unfollow(again);
    }
  });
});
