export interface BackoffPolicy {
  baseMs: number;
  maxMs: number;
}

/**
 * "Full jitter" exponential backoff: a uniformly random wait between 0 and
 * min(max, base * 2^(attempt - 1)), so that jobs failing together do not retry together.
 */
export function retryDelayMs(
  attempt: number,
  policy: BackoffPolicy,
  random: () => number = Math.random,
): number {
  const ceiling = Math.min(policy.maxMs, policy.baseMs * 2 ** Math.max(0, attempt - 1));
  return Math.floor(random() * ceiling);
}
