import type { FeedEvent } from '../../src/gateway/gateway-reads.js';
import { type FeedClient, READ_PAGE, TaskEventFeed } from '../../src/gateway/task-event-feed.js';
import type { TaskEventView } from '../../src/tasks/task.js';

const TASK = '11111111-1111-4111-8111-111111111111';

function logOf(count: number): FeedEvent[] {
  return Array.from({ length: count }, (_, i) => ({
    taskId: TASK,
    seq: i + 1,
    kind: i === count - 1 ? 'succeeded' : 'progress',
    at: new Date(0),
    data: null,
    tenant: 'acme',
  }));
}

/** A client whose connection holds `room` packets until it drains (drain() empties it). */
function client(room = Infinity) {
  const got: TaskEventView[] = [];
  let unsent = 0;
  let wake: (() => void) | undefined;
  const feedClient: FeedClient = {
    lastSent: new Map(),
    live: new Set(),
    send: (e) => got.push(e),
    replay: (e) => {
      unsent++;
      got.push(e);
    },
    congested: () => unsent >= room,
    drained: () => new Promise((resolve) => (wake = resolve)),
    lane: Promise.resolve(),
  };
  return {
    feedClient,
    got,
    waiting: () => wake !== undefined,
    drain: () => {
      unsent = 0;
      const w = wake;
      wake = undefined;
      w?.();
    },
  };
}

const settle = () => new Promise((resolve) => setTimeout(resolve, 10));
const noError = (error: unknown) => {
  throw error;
};

describe('TaskEventFeed', () => {
  it('replays a log longer than one read page, to its end', async () => {
    const log = logOf(READ_PAGE * 2 + 50);
    const feed = new TaskEventFeed(
      async (_task, after, limit) => log.filter((e) => e.seq > after).slice(0, limit),
      noError,
    );
    const follower = client();
    feed.subscribe(follower.feedClient, TASK, 0);
    await follower.feedClient.lane;
    expect(follower.got.map((e) => e.seq)).toEqual(log.map((e) => e.seq));
    expect(follower.got[0]).not.toHaveProperty('tenant');
  });

  it('reads the next page of a replay only once the connection has drained', async () => {
    const log = logOf(READ_PAGE * 3);
    const reads: number[] = [];
    const feed = new TaskEventFeed(async (_task, after, limit) => {
      reads.push(after);
      return log.filter((e) => e.seq > after).slice(0, limit);
    }, noError);
    const follower = client(10);
    feed.subscribe(follower.feedClient, TASK, 0);
    await settle();
    expect(follower.got).toHaveLength(10);
    expect(reads).toEqual([0]);
    while (follower.waiting()) {
      follower.drain();
      await settle();
    }
    await follower.feedClient.lane;
    expect(follower.got.map((e) => e.seq)).toEqual(log.map((e) => e.seq));
    expect(reads.length).toBeGreaterThanOrEqual(3);
  });

  it('makes a failed read again and goes on from where it stopped', async () => {
    const log = logOf(READ_PAGE + 10);
    let failures = 1;
    const errors: unknown[] = [];
    const feed = new TaskEventFeed(
      async (_task, after, limit) => {
        if (after > 0 && failures-- > 0) throw new Error('the read queue is full');
        return log.filter((e) => e.seq > after).slice(0, limit);
      },
      (error) => errors.push(error),
    );
    const follower = client();
    feed.subscribe(follower.feedClient, TASK, 0);
    await new Promise((resolve) => setTimeout(resolve, 1200));
    await follower.feedClient.lane;
    expect(errors).toHaveLength(1);
    expect(follower.got.map((e) => e.seq)).toEqual(log.map((e) => e.seq));
  });

  it('sends each event once, in order, however the notifications arrive', async () => {
    const log = logOf(3);
    let written = 1;
    const feed = new TaskEventFeed(
      async (_task, after) => log.slice(0, written).filter((e) => e.seq > after),
      noError,
    );
    const follower = client();
    feed.subscribe(follower.feedClient, TASK, 0);
    await follower.feedClient.lane;
    written = 3;
    feed.notify(TASK);
    feed.notify(TASK);
    feed.notify(undefined);
    await settle();
    expect(follower.got.map((e) => e.seq)).toEqual([1, 2, 3]);
  });
});
