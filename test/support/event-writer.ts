import { randomUUID } from 'node:crypto';
import { setTimeout as sleep } from 'node:timers/promises';
import { Client } from 'pg';

/**
 * Writes task events straight through the database's own path (last_seq bumped under the row
 * lock, then task_event_insert, which notifies), from several connections at once, with pauses
 * inside the transactions: commits land out of order and notifications race the feed's reads.
 */
/** Inserts the tasks (no job runs them) with their `created` event; returns their ids. */
export async function insertTasks(url: string, tenant: string, count: number): Promise<string[]> {
  const ids = Array.from({ length: count }, () => randomUUID());
  const client = new Client({ connectionString: url });
  await client.connect();
  try {
    for (const id of ids) {
      await client.query(
        `WITH t AS (
           INSERT INTO tasks (id, tenant, type, max_attempts, job_id)
           VALUES ($1, $2, 'test.synthetic', 1, -nextval('job_lease_tokens')) RETURNING id)
         INSERT INTO task_events (task_id, seq, kind, data)
         SELECT id, 1, 'created', '{}' FROM t`,
        [id, tenant],
      );
      await client.query(`SELECT pg_notify('taskyard_task_events', $1 || ':1')`, [id]);
    }
  } finally {
    await client.end();
  }
  return ids;
}

/** Appends `eventsPerTask` events to every task, racing; resolves when all are committed. */
export async function writeEvents(
  url: string,
  taskIds: string[],
  eventsPerTask: number,
  connections: number,
): Promise<void> {
  const remaining = new Map(taskIds.map((id) => [id, eventsPerTask]));
  const pick = (): string[] => {
    // A few tasks at a time, so that each gets its events in quick succession.
    const open = [...remaining.keys()].slice(0, 12);
    if (open.length === 0) return [];
    // Sometimes one transaction writes for two tasks, as grouped outcome writes do.
    const first = open[Math.floor(Math.random() * open.length)];
    const second = open[Math.floor(Math.random() * open.length)];
    const chosen = Math.random() < 0.2 && second !== first ? [first, second] : [first];
    for (const id of chosen) {
      const left = (remaining.get(id) ?? 1) - 1;
      if (left === 0) remaining.delete(id);
      else remaining.set(id, left);
    }
    // The same lock order everywhere: no deadlocks.
    return chosen.sort();
  };
  const left = (id: string): number => remaining.get(id) ?? 0;
  const writer = async (): Promise<void> => {
    const client = new Client({ connectionString: url });
    await client.connect();
    try {
      for (let ids = pick(); ids.length > 0; ids = pick()) {
        await client.query('BEGIN');
        for (const id of ids) {
          const kind = left(id) === 0 ? 'succeeded' : 'progress';
          const { rows } = await client.query<{ last_seq: number }>(
            `UPDATE tasks SET last_seq = last_seq + 1 WHERE id = $1 RETURNING last_seq`,
            [id],
          );
          if (Math.random() < 0.3) await sleep(Math.random() * 4);
          await client.query(`SELECT task_event_insert($1, $2, $3, $4)`, [
            id,
            rows[0]?.last_seq,
            kind,
            JSON.stringify({ percent: rows[0]?.last_seq }),
          ]);
        }
        if (Math.random() < 0.3) await sleep(Math.random() * 4);
        await client.query('COMMIT');
      }
    } finally {
      await client.end();
    }
  };
  await Promise.all(Array.from({ length: connections }, writer));
}

/** Every event of the tasks, as the log holds them: `taskId -> seqs`. */
export async function logOf(url: string, taskIds: string[]): Promise<Map<string, number[]>> {
  const client = new Client({ connectionString: url });
  await client.connect();
  try {
    const { rows } = await client.query<{ task_id: string; seq: number }>(
      `SELECT task_id, seq FROM task_events WHERE task_id = ANY($1) ORDER BY task_id, seq`,
      [taskIds],
    );
    const log = new Map<string, number[]>(taskIds.map((id) => [id, []]));
    for (const row of rows) log.get(row.task_id)?.push(row.seq);
    return log;
  } finally {
    await client.end();
  }
}
