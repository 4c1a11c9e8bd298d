import {
  type FeedClient,
  type FeedEvent,
  READ_PAGE,
  TaskEventFeed,
} from '../../src/gateway/task-event-feed.js';
import type { TaskEventView } from '../../src/tasks/task.js';

const TASK = '11111111-1111-4111-8111-111111111111';

function logOf(count: number, tenant = 'acme'): FeedEvent[] {
  return Array.from({ length: count }, (_, i) => ({
    taskId: TASK,
    seq: i + 1,
    kind: i === count - 1 ? 'succeeded' : 'progress',
    at: new Date(0),
    data: null,
    tenant,
  }));
}

function client(tenant = 'acme'): FeedClient & { got: TaskEventView[] } {
  const got: TaskEventView[] = [];
  return {
    tenant,
    admin: false,
    lastSent: new Map(),
    tasks: new Set(),
    all: false,
    got,
    send: (e) => got.push(e),
  };
}

describe('TaskEventFeed', () => {
  it('replays a log longer than one read page, to its end', async () => {
    const log = logOf(READ_PAGE * 2 + 500);
    const feed = new TaskEventFeed(async (_task, after) =>
      log.filter((e) => e.seq > after).slice(0, READ_PAGE),
    );
    const follower = client();
    await feed.subscribe(follower, TASK, 0);
    expect(follower.got.map((e) => e.seq)).toEqual(log.map((e) => e.seq));
    expect(follower.got[0]).not.toHaveProperty('tenant');
  });

  it('sends each event once, in order, however the notifications arrive', async () => {
    const log = logOf(3);
    let written = 1;
    const feed = new TaskEventFeed(async (_task, after) =>
      log.slice(0, written).filter((e) => e.seq > after),
    );
    const follower = client();
    await feed.subscribe(follower, TASK, 0);
    written = 3;
    feed.notify(TASK, 3);
    feed.notify(TASK, 2);
    feed.notify(undefined);
    await new Promise((resolve) => setTimeout(resolve, 20));
    expect(follower.got.map((e) => e.seq)).toEqual([1, 2, 3]);
  });

  it('shows a tenant follower only its own tenant', async () => {
    const log = logOf(2, 'globex');
    const feed = new TaskEventFeed(async (_task, after) => log.filter((e) => e.seq > after));
    const other = client('acme');
    const own = client('globex');
    feed.subscribeAll(other);
    feed.subscribeAll(own);
    feed.notify(TASK, 1);
    await feed.subscribe(client('globex'), TASK, 2);
    expect(other.got).toEqual([]);
    expect(own.got.map((e) => e.seq)).toEqual([1, 2]);
  });
});
