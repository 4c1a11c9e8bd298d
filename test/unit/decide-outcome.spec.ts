import {
  JobCancelledError,
  LeaseLostError,
  PermanentJobError,
  WorkerShutdownError,
} from '../../src/jobs/errors.js';
import type { ClaimedJob } from '../../src/jobs/job.js';
import { decideOutcome } from '../../src/worker/decide-outcome.js';

const backoff = { baseMs: 1000, maxMs: 1000 };

function claimed(attempts: number, maxAttempts = 3): ClaimedJob {
  return {
    id: '7',
    queue: 'default',
    type: 't',
    payload: {},
    priority: 0,
    attempts,
    maxAttempts,
    timeoutMs: null,
    groupKey: null,
    leaseToken: '42',
    runAtMs: 0,
  };
}

describe('decideOutcome', () => {
  it('records a result', () => {
    expect(decideOutcome(claimed(1), { ok: true, result: { n: 1 } }, backoff)).toEqual({
      kind: 'succeeded',
      outcome: { id: '7', token: '42', groupKey: null, status: 'succeeded', result: { n: 1 } },
    });
  });

  it('fails a job whose result cannot be stored', () => {
    const decided = decideOutcome(claimed(1), { ok: true, result: { big: 10n } }, backoff);
    expect(decided?.kind).toBe('failed');
    expect(decided?.outcome.error).toMatch(/not JSON-serializable/);
  });

  it('retries with a delay while attempts remain, then fails', () => {
    const error = new Error('boom');
    const retried = decideOutcome(claimed(1), { ok: false, error }, backoff);
    expect(retried?.kind).toBe('retried');
    expect(retried?.outcome).toMatchObject({ status: 'queued', error: 'Error: boom' });
    expect(retried?.outcome.retryInMs).toBeLessThan(1000);
    expect(decideOutcome(claimed(3), { ok: false, error }, backoff)?.kind).toBe('failed');
  });

  it('fails at once on a permanent error', () => {
    expect(
      decideOutcome(claimed(1), { ok: false, error: new PermanentJobError('no') }, backoff)?.kind,
    ).toBe('failed');
  });

  it('records cancellation, hands back on shutdown, and writes nothing once the lease is lost', () => {
    expect(
      decideOutcome(claimed(1), { ok: false, error: new JobCancelledError('x') }, backoff)?.outcome
        .status,
    ).toBe('cancelled');
    expect(
      decideOutcome(claimed(1), { ok: false, error: new WorkerShutdownError('x') }, backoff)
        ?.outcome,
    ).toEqual({
      id: '7',
      token: '42',
      groupKey: null,
      status: 'queued',
      release: true,
      retryInMs: 0,
    });
    expect(
      decideOutcome(claimed(1), { ok: false, error: new LeaseLostError('x') }, backoff),
    ).toBeUndefined();
  });
});

describe('decideOutcome with text PostgreSQL cannot store', () => {
  it('fails a job whose result holds a NUL character', () => {
    const decided = decideOutcome(claimed(1), { ok: true, result: { text: 'a\u0000b' } }, backoff);
    expect(decided?.kind).toBe('failed');
    expect(decided?.outcome.error).toMatch(/NUL character/);
  });

  it('cleans NUL characters and lone surrogates out of error messages', () => {
    const decided = decideOutcome(
      claimed(3),
      { ok: false, error: new Error('bad\u0000 \uD800 end') },
      backoff,
    );
    expect(decided?.outcome.error).toBe('Error: bad \uFFFD end');
  });
});
