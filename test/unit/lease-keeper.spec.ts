import pino from 'pino';
import type { Db } from '../../src/jobs/db.js';
import { LeaseKeeper } from '../../src/worker/lease-keeper.js';
import { OutcomeWriter } from '../../src/worker/outcome-writer.js';
import { WorkerSlots } from '../../src/worker/worker-slots.js';
import { claimedJob } from '../support/claimed-job.js';

const LEASE_MS = 1000;

describe('LeaseKeeper: whether a buffered job may start', () => {
  const unused = {} as Db;
  const logger = pino({ level: 'silent' });
  const keeper = new LeaseKeeper(
    new WorkerSlots(
      { concurrency: 1, prefetch: 1, queueConcurrency: new Map() },
      { all: () => [], get: () => undefined },
    ),
    new OutcomeWriter(unused, logger, LEASE_MS, () => undefined),
    {
      claims: unused,
      db: unused,
      leaseMs: LEASE_MS,
      logger,
      onCancelRequested: () => undefined,
      onRenewed: () => undefined,
    },
  );

  it('holds a lease taken less than a lease ago, less a margin for the clock', () => {
    const job = claimedJob();
    keeper.claimed([job], Date.now() - LEASE_MS * 0.5);
    expect(keeper.leaseHeld(job)).toBe(true);
    keeper.claimed([job], Date.now() - LEASE_MS * 0.95);
    expect(keeper.leaseHeld(job)).toBe(false);
  });

  it('does not trust a lease it never saw taken', () => {
    expect(keeper.leaseHeld(claimedJob())).toBe(false);
  });
});
