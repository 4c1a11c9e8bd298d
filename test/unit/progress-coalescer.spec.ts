import { setTimeout as sleep } from 'node:timers/promises';
import { ProgressCoalescer } from '../../src/tasks/progress-coalescer.js';

describe('ProgressCoalescer', () => {
  it('writes the latest value at most once per interval', async () => {
    const written: number[] = [];
    const coalescer = new ProgressCoalescer<number>(async (value) => {
      written.push(value);
    }, 50);
    for (let i = 1; i <= 1000; i++) coalescer.update(i);
    await sleep(20);
    expect(written).toEqual([1000]);
    coalescer.update(1001);
    coalescer.update(1002);
    await sleep(20);
    expect(written).toEqual([1000]);
    await sleep(60);
    expect(written).toEqual([1000, 1002]);
    await coalescer.close();
  });

  it('never runs two writes at once, and drops what is pending on close', async () => {
    let running = 0;
    let maxRunning = 0;
    const written: number[] = [];
    const coalescer = new ProgressCoalescer<number>(async (value) => {
      running++;
      maxRunning = Math.max(maxRunning, running);
      await sleep(30);
      written.push(value);
      running--;
    }, 5);
    for (let i = 1; i <= 5; i++) {
      coalescer.update(i);
      await sleep(10);
    }
    coalescer.update(99);
    await coalescer.close();
    expect(maxRunning).toBe(1);
    expect(written).not.toContain(99);
    expect(written.length).toBeGreaterThan(0);
  });

  it('merges what arrives during a slow write into the next one, instead of queueing writes', async () => {
    const written: number[] = [];
    const coalescer = new ProgressCoalescer<number>(async (value) => {
      await sleep(60);
      written.push(value);
    }, 5);
    for (let i = 1; i <= 20; i++) {
      coalescer.update(i);
      await sleep(10);
    }
    await sleep(150);
    await coalescer.close();
    // About one write per 60 ms over 200 ms, each with the latest value, the last one included.
    expect(written.length).toBeLessThanOrEqual(5);
    expect(written.at(-1)).toBe(20);
    expect([...written].sort((a, b) => a - b)).toEqual(written);
  });

  it('keeps going after a failed write', async () => {
    const written: number[] = [];
    const coalescer = new ProgressCoalescer<number>(async (value) => {
      if (value === 1) throw new Error('database away');
      written.push(value);
    }, 1);
    coalescer.update(1);
    await sleep(15);
    coalescer.update(2);
    await sleep(15);
    await coalescer.close();
    expect(written).toEqual([2]);
  });
});
