import type { ClaimedJob } from '../../src/jobs/job.js';

let nextId = 1;

/** A job as a claim returns it, for the worker's in-memory parts; each gets a new id. */
export function claimedJob(type = 'a', queue = 'default'): ClaimedJob {
  return {
    id: String(nextId++),
    queue,
    type,
    payload: {},
    priority: 0,
    attempts: 1,
    maxAttempts: 3,
    timeoutMs: null,
    groupKey: null,
    leaseToken: '1',
    runAtMs: 0,
  };
}
