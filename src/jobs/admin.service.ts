import { Injectable } from '@nestjs/common';
import { Database } from '../database/database.js';
import { type Db } from './db.js';
import { JOB_STATUSES, type JobStatus } from './job.js';
import { pausedQueues, queueStats, setQueuePaused } from './sql/queues.sql.js';

export interface QueueSummary {
  name: string;
  paused: boolean;
  counts: Record<JobStatus, number>;
  running: number;
  /** Seconds the oldest job that could run has waited; null when none is waiting. */
  oldestQueuedAgeSeconds: number | null;
}

@Injectable()
export class QueueAdminService {
  private readonly db: Db;

  constructor(database: Database) {
    this.db = database.pool;
  }

  async queues(): Promise<QueueSummary[]> {
    const [rows, paused] = await Promise.all([queueStats(this.db), pausedQueues(this.db)]);
    const byName = new Map<string, QueueSummary>();
    const summary = (name: string): QueueSummary => {
      let found = byName.get(name);
      if (!found) {
        found = emptyQueue(name, paused.has(name));
        byName.set(name, found);
      }
      return found;
    };
    for (const name of paused) summary(name);
    for (const row of rows) {
      const queue = summary(row.queue);
      queue.counts[row.status] = row.count;
      if (row.status === 'running') queue.running = row.count;
      if (row.status === 'queued') queue.oldestQueuedAgeSeconds = row.oldest_runnable_age_s;
    }
    return [...byName.values()].sort((a, b) => a.name.localeCompare(b.name));
  }

  /** The queue as it is then; a queue without jobs is resumed as an empty one. */
  async setPaused(queue: string, paused: boolean): Promise<QueueSummary> {
    await setQueuePaused(this.db, queue, paused);
    return (await this.queues()).find((q) => q.name === queue) ?? emptyQueue(queue, paused);
  }
}

function emptyQueue(name: string, paused: boolean): QueueSummary {
  const counts = Object.fromEntries(JOB_STATUSES.map((s) => [s, 0])) as Record<JobStatus, number>;
  return { name, paused, counts, running: 0, oldestQueuedAgeSeconds: null };
}
