import type { RegisteredHandler } from '../../src/jobs/handler-registry.js';
import { claimedJob as job } from '../support/claimed-job.js';
import { type HandledTypes, type SlotLimits, WorkerSlots } from '../../src/worker/worker-slots.js';

/** Handlers for these types, each with its own concurrency limit (undefined: none). */
function handlers(limits: Record<string, number | undefined>): HandledTypes {
  const byType = new Map<string, RegisteredHandler>(
    Object.entries(limits).map(([type, concurrency]) => [
      type,
      { type, options: { concurrency }, handle: () => undefined, name: type },
    ]),
  );
  return { all: () => [...byType.values()], get: (type) => byType.get(type) };
}

function slots(
  limits: Partial<SlotLimits> = {},
  types: Record<string, number | undefined> = { a: undefined },
): WorkerSlots {
  return new WorkerSlots(
    { concurrency: 2, prefetch: 2, queueConcurrency: new Map(), ...limits },
    handlers(types),
  );
}

const startedTypes = (s: WorkerSlots): string[] => s.startable().map((r) => r.job.type);

describe('WorkerSlots: when and what to claim', () => {
  it('claims concurrency + prefetch jobs of every handled type when it holds nothing', () => {
    const s = slots({}, { a: undefined, b: undefined });
    expect(s.nextClaim(0, 0)).toEqual({ types: ['a', 'b'], limit: 4 });
  });

  it('waits while more than half the prefetch is buffered or on its way', () => {
    const s = slots({ concurrency: 2, prefetch: 4 });
    expect(s.nextClaim(3, 0)).toBeUndefined();
    expect(s.nextClaim(2, 0)).toEqual({ types: ['a'], limit: 4 });
    s.hold([job(), job(), job()]);
    expect(s.nextClaim(0, 0)).toBeUndefined();
  });

  it('claims for an idle slot even without prefetch', () => {
    const s = slots({ concurrency: 2, prefetch: 0 });
    expect(s.nextClaim(0, 0)).toEqual({ types: ['a'], limit: 2 });
    s.hold([job()]);
    s.startable();
    expect(s.nextClaim(0, 0)).toEqual({ types: ['a'], limit: 1 });
    expect(s.nextClaim(1, 0)).toBeUndefined();
  });

  it('counts jobs awaiting their outcome as held', () => {
    const s = slots({ concurrency: 2, prefetch: 2 });
    expect(s.nextClaim(0, 3)).toEqual({ types: ['a'], limit: 1 });
    expect(s.nextClaim(0, 4)).toBeUndefined();
  });

  it('leaves out a type whose held jobs reach its own limit, and asks for no more than its room', () => {
    const s = slots({ concurrency: 10, prefetch: 10 }, { a: 3, b: 2 });
    expect(s.nextClaim(0, 0)).toEqual({ types: ['a', 'b'], limit: 5 });
    s.hold([job('b'), job('b'), job('a')]);
    expect(s.nextClaim(0, 0)).toEqual({ types: ['a'], limit: 2 });
    s.hold([job('a'), job('a')]);
    expect(s.nextClaim(0, 0)).toBeUndefined();
  });

  it('does not cap the claim when one of the types has no limit', () => {
    const s = slots({ concurrency: 10, prefetch: 10 }, { a: 1, b: undefined });
    expect(s.nextClaim(0, 0)).toEqual({ types: ['a', 'b'], limit: 20 });
  });

  it('names the queues whose held jobs reach their per-process limit', () => {
    const s = slots({ concurrency: 10, queueConcurrency: new Map([['q', 2]]) });
    s.hold([job('a', 'q')]);
    expect(s.fullQueues()).toEqual([]);
    s.hold([job('a', 'q'), job('a', 'other')]);
    expect(s.fullQueues()).toEqual(['q']);
    s.takeBuffered((j) => j.queue === 'q');
    expect(s.fullQueues()).toEqual([]);
  });
});

describe('WorkerSlots: which buffered jobs start', () => {
  it('starts buffered jobs in claim order up to the concurrency', () => {
    const s = slots({ concurrency: 2 });
    const jobs = [job(), job(), job()];
    s.hold(jobs);
    expect(s.startable().map((r) => r.job)).toEqual(jobs.slice(0, 2));
    expect(s.runningCount).toBe(2);
    expect(s.startable()).toEqual([]);
    s.finished(jobs[0]);
    expect(s.startable().map((r) => r.job)).toEqual([jobs[2]]);
  });

  it('skips a job whose type is at its limit and starts the ones behind it', () => {
    const s = slots({ concurrency: 5 }, { a: 1, b: undefined });
    s.hold([job('a'), job('a'), job('b')]);
    expect(startedTypes(s)).toEqual(['a', 'b']);
    const [a] = s.runningJobs();
    s.finished(a.job);
    expect(startedTypes(s)).toEqual(['a']);
  });

  it('skips a job whose queue is at its limit', () => {
    const s = slots({ concurrency: 5, queueConcurrency: new Map([['q', 1]]) });
    s.hold([job('a', 'q'), job('a', 'q'), job('a', 'r')]);
    expect(s.startable().map((r) => r.job.queue)).toEqual(['q', 'r']);
  });

  it('keeps a job whose lease may have lapsed in the buffer until it is known to be held', () => {
    const s = slots({ concurrency: 5 });
    const [stale, fresh] = [job(), job()];
    s.hold([stale, fresh]);
    expect(s.startable((j) => j !== stale).map((r) => r.job)).toEqual([fresh]);
    expect(s.heldJobs()).toEqual([fresh, stale]);
    expect(s.startable().map((r) => r.job)).toEqual([stale]);
  });

  it('gives each started job its handler and its own abort switch', () => {
    const s = slots();
    s.hold([job(), job()]);
    const [first, second] = s.startable();
    expect(first.handler.type).toBe('a');
    expect(first.abort).not.toBe(second.abort);
    expect(s.runningJob(first.job.id)).toBe(first);
  });

  it('lists running and buffered jobs as held, and forgets the ones taken out', () => {
    const s = slots({ concurrency: 1 });
    const [x, y, z] = [job(), job(), job()];
    s.hold([x, y, z]);
    s.startable();
    expect(s.heldJobs()).toEqual([x, y, z]);
    expect(s.takeBuffered((j) => j.id === y.id)).toBe(y);
    expect(s.takeBuffered((j) => j.id === y.id)).toBeUndefined();
    expect(s.takeAllBuffered()).toEqual([z]);
    expect(s.heldJobs()).toEqual([x]);
    s.finished(x);
    expect(s.heldJobs()).toEqual([]);
    expect(s.runningJob(x.id)).toBeUndefined();
  });

  it('frees a type limit once its jobs leave, however they leave', () => {
    const s = slots({ concurrency: 5, prefetch: 5 }, { a: 2 });
    const [x, y] = [job(), job()];
    s.hold([x, y]);
    expect(s.nextClaim(0, 0)).toBeUndefined();
    s.startable();
    s.finished(x);
    expect(s.nextClaim(0, 0)).toEqual({ types: ['a'], limit: 1 });
    s.finished(y);
    expect(s.nextClaim(0, 0)).toEqual({ types: ['a'], limit: 2 });
  });
});
