import type { TaskEventView } from '../../src/tasks/task.js';
import { type DeliveredEvent, ProgressHold } from '../../src/gateway/progress-hold.js';

const event = (taskId: string, seq: number, kind = 'progress'): TaskEventView => ({
  taskId,
  seq,
  kind,
  at: new Date(0),
  data: { percent: seq },
});

describe('ProgressHold (backpressure for one client)', () => {
  let sent: DeliveredEvent[];
  let congested: boolean;
  let hold: ProgressHold;
  beforeEach(() => {
    sent = [];
    congested = false;
    hold = new ProgressHold(
      (e) => sent.push(e),
      () => congested,
    );
  });

  it('sends everything at once while the connection keeps up', () => {
    for (let seq = 1; seq <= 3; seq++) hold.deliver(event('a', seq));
    expect(sent.map((e) => e.seq)).toEqual([1, 2, 3]);
    expect(sent.every((e) => e.replaces === undefined)).toBe(true);
  });

  it('keeps only the latest progress per task while congested, marked with what it replaces', () => {
    congested = true;
    for (let seq = 1; seq <= 1000; seq++) hold.deliver(event('a', seq));
    hold.deliver(event('b', 7));
    expect(sent).toEqual([]);
    expect(hold.size).toBe(2);
    congested = false;
    hold.drain();
    expect(sent).toEqual([{ ...event('a', 1000), replaces: 1 }, event('b', 7)]);
  });

  it('sends a held progress before the same task next other event, keeping the order', () => {
    congested = true;
    hold.deliver(event('a', 4));
    hold.deliver(event('a', 5));
    hold.deliver(event('a', 6, 'succeeded'));
    expect(sent.map((e) => [e.seq, e.kind, e.replaces])).toEqual([
      [5, 'progress', 4],
      [6, 'succeeded', undefined],
    ]);
    expect(hold.size).toBe(0);
  });

  it('never holds events other than progress', () => {
    congested = true;
    hold.deliver(event('a', 1, 'created'));
    hold.deliver(event('a', 2, 'started'));
    expect(sent.map((e) => e.kind)).toEqual(['created', 'started']);
  });
});
