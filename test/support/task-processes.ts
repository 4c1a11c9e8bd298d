import { createWriteStream } from 'node:fs';
import { readFile } from 'node:fs/promises';
import { once } from 'node:events';
import request from 'supertest';
import { ADMIN } from './auth.js';

/** The columns of the CSV files writeCsv makes, as csv.import options declare them. */
export const CSV_COLUMNS = [
  { name: 'id', type: 'int', nullable: false },
  { name: 'name', type: 'text', nullable: true },
  { name: 'amount', type: 'float', nullable: true },
  { name: 'active', type: 'bool', nullable: true },
  { name: 'day', type: 'date', nullable: true },
];

const DAYS = Array.from({ length: 365 }, (_, i) =>
  new Date(Date.UTC(2024, 0, 1 + i)).toISOString().slice(0, 10),
);

/**
 * Writes a CSV of `rows` records (plus a header) with the columns of CSV_COLUMNS; `id` runs from 0
 * to rows - 1. Written in large string chunks, awaiting drain, so memory stays flat.
 */
export async function writeCsv(file: string, rows: number): Promise<number> {
  const out = createWriteStream(file);
  out.write('id,name,amount,active,day\n');
  const perChunk = 20_000;
  for (let start = 0; start < rows; start += perChunk) {
    let chunk = '';
    const end = Math.min(rows, start + perChunk);
    for (let i = start; i < end; i++) {
      chunk += `${i},item ${i} lorem ipsum,${i}.5,${i % 2 === 0},${DAYS[i % 365]}\n`;
    }
    if (!out.write(chunk)) await once(out, 'drain');
  }
  out.end();
  await once(out, 'finish');
  return out.bytesWritten;
}

/** A field of /proc/<pid>/status in bytes (VmRSS, VmHWM), or 0 once the process is gone. */
export async function procStatusBytes(pid: number, field: 'VmRSS' | 'VmHWM'): Promise<number> {
  const status = await readFile(`/proc/${pid}/status`, 'utf8').catch(() => '');
  const kb = new RegExp(`^${field}:\\s+(\\d+) kB`, 'm').exec(status)?.[1];
  return kb ? Number(kb) * 1024 : 0;
}

/** CPU time (user + system) the process has used so far, in seconds; 0 once it is gone. */
export async function procCpuSeconds(pid: number): Promise<number> {
  const stat = await readFile(`/proc/${pid}/stat`, 'utf8').catch(() => '');
  // Fields after the command name (which may hold spaces): utime and stime are the 12th and 13th.
  const fields = stat.slice(stat.lastIndexOf(')') + 2).split(' ');
  return (Number(fields[11] ?? 0) + Number(fields[12] ?? 0)) / 100;
}

/** Samples VmRSS every `intervalMs`; stop() returns the largest sample. */
export function sampleRss(pid: number, intervalMs = 100): { stop(): number } {
  let peak = 0;
  const timer = setInterval(() => {
    void procStatusBytes(pid, 'VmRSS').then((rss) => {
      peak = Math.max(peak, rss);
    });
  }, intervalMs);
  timer.unref();
  return {
    stop: () => {
      clearInterval(timer);
      return peak;
    },
  };
}

export interface TaskBody {
  id: string;
  status: string;
  result: Record<string, unknown> | null;
  error: Record<string, unknown> | null;
  progress: { percent?: number } | null;
  startedAt: string | null;
  finishedAt: string | null;
  attempts: number;
}

export interface TaskEvent {
  seq: number;
  kind: string;
  data: Record<string, unknown> | null;
}

/** Uploads `file` to POST /tasks as a multipart form, streamed from disk by superagent. */
export async function uploadCsvTask(baseUrl: string, file: string): Promise<TaskBody> {
  const response = await request(baseUrl)
    .post('/api/v1/tasks')
    .set(ADMIN)
    .field('type', 'csv.import')
    .field('options', JSON.stringify({ columns: CSV_COLUMNS }))
    .attach('file', file, { contentType: 'text/csv' })
    .expect(202);
  return response.body as TaskBody;
}

export async function getTask(baseUrl: string, id: string, waitS = 0): Promise<TaskBody> {
  const response = await request(baseUrl)
    .get(`/api/v1/tasks/${id}`)
    .set(ADMIN)
    .set('Prefer', `wait=${waitS}`)
    .expect(200);
  return response.body as TaskBody;
}

export async function taskEvents(baseUrl: string, id: string): Promise<TaskEvent[]> {
  const response = await request(baseUrl)
    .get(`/api/v1/tasks/${id}/events?limit=1000`)
    .set(ADMIN)
    .expect(200);
  return response.body as TaskEvent[];
}

/** Long-polls GET /tasks/:id (Prefer: wait) until the task has one of `statuses`. */
export async function waitForTaskStatus(
  baseUrl: string,
  id: string,
  statuses: string[],
  timeoutMs: number,
): Promise<TaskBody> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const left = deadline - Date.now();
    const task = await getTask(baseUrl, id, Math.max(0, Math.min(5, Math.floor(left / 1000))));
    if (statuses.includes(task.status)) return task;
    if (Date.now() > deadline) {
      throw new Error(
        `task ${id} is ${task.status} (${JSON.stringify(task.error)}), not ${statuses.join('|')}, after ${timeoutMs} ms`,
      );
    }
  }
}
