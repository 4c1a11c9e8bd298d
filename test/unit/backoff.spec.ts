import { retryDelayMs } from '../../src/jobs/backoff.js';

describe('retryDelayMs (exponential backoff with full jitter)', () => {
  const policy = { baseMs: 100, maxMs: 1000 };

  it('doubles the ceiling with each attempt, up to the cap', () => {
    const ceilings = [1, 2, 3, 4, 5, 10].map((attempt) =>
      retryDelayMs(attempt, policy, () => 0.999999),
    );
    expect(ceilings).toEqual([99, 199, 399, 799, 999, 999]);
  });

  it('spreads retries over the whole range below the ceiling', () => {
    expect(retryDelayMs(3, policy, () => 0)).toBe(0);
    expect(retryDelayMs(3, policy, () => 0.5)).toBe(200);
  });
});
