import request from 'supertest';
import { bearer } from './auth.js';
import { waitFor } from './wait.js';

export const TASKS_PATH = '/api/v1/tasks';
export const FINISHED = ['succeeded', 'failed', 'cancelled'] as const;
export const PROBLEM_JSON = /^application\/problem\+json/;
/** The task types Taskyard ships, by name (GET /task-types lists them in this order). */
export const BUILT_IN_TYPES = ['batch', 'csv.import', 'echo', 'sleep', 'text.analyze'];

/** A task as the API shows it (the fields tests look at). */
export interface TaskBody {
  id: string;
  type: string;
  status: 'queued' | 'running' | 'succeeded' | 'failed' | 'cancelled';
  inputFileId: string | null;
  payload: unknown;
  options: Record<string, unknown>;
  progress: { percent?: number; message?: string } | null;
  result: unknown;
  error: { type: string; title: string; detail: string } | null;
  attempts: number;
  maxAttempts: number;
  parentId: string | null;
  callbackUrl: string | null;
  children?: { total: number; succeeded: number; failed: number; cancelled: number };
  lastSeq: number;
  createdAt: string;
  updatedAt: string;
  startedAt: string | null;
  finishedAt: string | null;
  tenant?: string;
  artifacts?: { name: string; size: number; mediaType: string }[];
}

export interface TaskEvent {
  taskId: string;
  seq: number;
  kind: string;
  at: string;
  data: unknown;
}

export interface Upload {
  content: Buffer | string;
  /** The file name the client sends; its extension types an application/octet-stream part. */
  filename: string;
  contentType?: string;
}

/** POST /tasks with a JSON body; expects 202 and returns the new task. */
export async function createTask(
  baseUrl: string,
  key: string,
  spec: {
    type: string;
    payload?: unknown;
    options?: unknown;
    fileId?: string;
    callbackUrl?: string;
  },
): Promise<TaskBody> {
  const response = await request(baseUrl).post(TASKS_PATH).set(bearer(key)).send(spec).expect(202);
  return response.body as TaskBody;
}

/** POST /tasks as multipart/form-data with its file; expects 202 and returns the new task. */
export async function createFileTask(
  baseUrl: string,
  key: string,
  type: string,
  file: Upload,
  options?: unknown,
): Promise<TaskBody> {
  const response = await postFileTask(baseUrl, key, type, file, options).expect(202);
  return response.body as TaskBody;
}

/** POST /tasks as multipart/form-data, without expectations (for error cases). */
export function postFileTask(
  baseUrl: string,
  key: string,
  type: string,
  file: Upload,
  options?: unknown,
  rawOptions?: string,
): request.Test {
  const post = request(baseUrl).post(TASKS_PATH).set(bearer(key)).field('type', type);
  const optionsText = rawOptions ?? (options === undefined ? undefined : JSON.stringify(options));
  if (optionsText !== undefined) void post.field('options', optionsText);
  return post.attach('file', toBuffer(file.content), {
    filename: file.filename,
    contentType: file.contentType ?? 'application/octet-stream',
  });
}

/** POST /files; returns the new file's id (the status, 200 or 201, is the files tests' business). */
export async function uploadFile(baseUrl: string, key: string, file: Upload): Promise<string> {
  const response = await request(baseUrl)
    .post('/api/v1/files')
    .set(bearer(key))
    .attach('file', toBuffer(file.content), {
      filename: file.filename,
      contentType: file.contentType ?? 'application/octet-stream',
    });
  if (response.status !== 200 && response.status !== 201) {
    throw new Error(`upload of ${file.filename} answered ${response.status}: ${response.text}`);
  }
  return (response.body as { id: string }).id;
}

export async function getTask(baseUrl: string, key: string, id: string): Promise<TaskBody> {
  const response = await request(baseUrl).get(`${TASKS_PATH}/${id}`).set(bearer(key)).expect(200);
  return response.body as TaskBody;
}

/**
 * Polls GET /tasks/:id until the task is in one of `statuses` (by default: finished). A 503 (the
 * database busy past its acquire timeout on a loaded machine, answered with Retry-After) is polled
 * through, as a client would; any other answer but 200 fails.
 */
export function waitForTask(
  baseUrl: string,
  key: string,
  id: string,
  statuses: readonly string[] = FINISHED,
  timeoutMs = 15_000,
): Promise<TaskBody> {
  return waitFor(
    `task ${id} to be ${statuses.join(' or ')}`,
    async () => {
      const response = await request(baseUrl).get(`${TASKS_PATH}/${id}`).set(bearer(key));
      if (response.status === 503) return undefined;
      if (response.status !== 200) {
        throw new Error(`GET task ${id} answered ${response.status}: ${response.text}`);
      }
      const task = response.body as TaskBody;
      return statuses.includes(task.status) ? task : undefined;
    },
    timeoutMs,
  );
}

export async function taskEvents(
  baseUrl: string,
  key: string,
  id: string,
  after?: number,
): Promise<TaskEvent[]> {
  const response = await request(baseUrl)
    .get(`${TASKS_PATH}/${id}/events`)
    .query(after === undefined ? {} : { after })
    .set(bearer(key))
    .expect(200);
  return response.body as TaskEvent[];
}

/** The table csv.import loads for `taskId`, as result.table names it. */
export function importTableOf(taskId: string): string {
  return `imports."task_${taskId.replaceAll('-', '')}"`;
}

/** `count` lines made by `line(i)` (i from 0), as one buffer. */
export function linesBuffer(count: number, line: (i: number) => string): Buffer {
  const parts: string[] = [];
  for (let i = 0; i < count; i++) parts.push(line(i));
  return Buffer.from(parts.join(''));
}

/** An NDJSON manifest for batch, one spec per line. */
export function manifest(specs: unknown[]): Upload {
  return {
    content: specs.map((spec) => JSON.stringify(spec)).join('\n') + '\n',
    filename: 'manifest.ndjson',
    contentType: 'application/x-ndjson',
  };
}

function toBuffer(content: Buffer | string): Buffer {
  return typeof content === 'string' ? Buffer.from(content) : content;
}
