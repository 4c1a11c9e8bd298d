import { afterEach, beforeEach, describe, expect, it, jest } from '@jest/globals';
import { ProgressCoalescer } from '../../src/tasks/progress-coalescer.js';

/** A write the test ends when it chooses. */
interface HeldWrite {
  value: number;
  finish(error?: Error): void;
}

/** A coalescer whose writes wait for the test: `writes` lists them as they start. */
function heldCoalescer(intervalMs: number) {
  const writes: HeldWrite[] = [];
  let running = 0;
  let maxRunning = 0;
  const coalescer = new ProgressCoalescer<number>(
    (value) =>
      new Promise<void>((resolve, reject) => {
        maxRunning = Math.max(maxRunning, ++running);
        writes.push({
          value,
          finish: (error) => {
            running--;
            if (error) reject(error);
            else resolve();
          },
        });
      }),
    intervalMs,
  );
  return { coalescer, writes, maxRunning: () => maxRunning };
}

// The clock is jest's: what is checked is the order of events, never how long the machine took.
describe('ProgressCoalescer', () => {
  beforeEach(() => {
    jest.useFakeTimers();
  });
  afterEach(() => {
    jest.useRealTimers();
  });

  it('writes the latest value at most once per interval', async () => {
    const { coalescer, writes } = heldCoalescer(50);
    for (let i = 1; i <= 1000; i++) coalescer.update(i);
    await jest.advanceTimersByTimeAsync(0);
    expect(writes.map((w) => w.value)).toEqual([1000]);
    writes[0].finish();
    coalescer.update(1001);
    coalescer.update(1002);
    await jest.advanceTimersByTimeAsync(49);
    expect(writes).toHaveLength(1);
    await jest.advanceTimersByTimeAsync(1);
    expect(writes.map((w) => w.value)).toEqual([1000, 1002]);
    writes[1].finish();
    await coalescer.close();
  });

  it('never runs two writes at once: what arrives meanwhile is merged into the next one', async () => {
    const { coalescer, writes, maxRunning } = heldCoalescer(5);
    coalescer.update(1);
    await jest.advanceTimersByTimeAsync(0);
    for (let i = 2; i <= 20; i++) {
      coalescer.update(i);
      await jest.advanceTimersByTimeAsync(10);
    }
    // The first write is still in flight: nothing else started, nothing queued up.
    expect(writes.map((w) => w.value)).toEqual([1]);
    writes[0].finish();
    await jest.advanceTimersByTimeAsync(5);
    expect(writes.map((w) => w.value)).toEqual([1, 20]);
    writes[1].finish();
    await jest.advanceTimersByTimeAsync(100);
    expect(writes).toHaveLength(2);
    expect(maxRunning()).toBe(1);
    await coalescer.close();
  });

  it('drops what is pending on close, and resolves once the write in flight is done', async () => {
    const { coalescer, writes } = heldCoalescer(5);
    coalescer.update(1);
    await jest.advanceTimersByTimeAsync(0);
    coalescer.update(99);
    let closed = false;
    const closing = coalescer.close().then(() => (closed = true));
    await jest.advanceTimersByTimeAsync(100);
    expect(closed).toBe(false);
    writes[0].finish();
    await closing;
    await jest.advanceTimersByTimeAsync(100);
    expect(writes.map((w) => w.value)).toEqual([1]);
  });

  it('keeps going after a failed write', async () => {
    const { coalescer, writes } = heldCoalescer(1);
    coalescer.update(1);
    await jest.advanceTimersByTimeAsync(0);
    writes[0].finish(new Error('database away'));
    coalescer.update(2);
    await jest.advanceTimersByTimeAsync(1);
    expect(writes.map((w) => w.value)).toEqual([1, 2]);
    writes[1].finish();
    await coalescer.close();
  });
});
