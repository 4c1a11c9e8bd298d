import type { HttpClient, HttpResponse } from './tasks-http.js';

/** The parts of a task body the benchmark reads. */
export interface TaskBody {
  id: string;
  status: 'queued' | 'running' | 'succeeded' | 'failed' | 'cancelled';
  result: unknown;
  error: { title?: string; detail?: string } | null;
  /** Taskyard's; the reference service of bench:tasks has no event log and sends none. */
  lastSeq: number;
}

/**
 * Where a service takes tasks, whether its GET answers If-None-Match long polls (304), and what
 * its long poll adds to wait for the task's end rather than its next change.
 */
export interface TasksEndpoint {
  path: string;
  conditionalPolls: boolean;
  untilFinished: string;
}

export const TASKYARD_TASKS: TasksEndpoint = {
  path: '/api/v1/tasks',
  conditionalPolls: true,
  untilFinished: '?until=finished',
};

export interface TaskEventBody {
  seq: number;
  kind: string;
  at: string;
}

const FINISHED = new Set(['succeeded', 'failed', 'cancelled']);

export function parseTask(response: HttpResponse, what: string): TaskBody {
  if (response.status !== 200 && response.status !== 202) {
    throw new Error(`${what}: ${response.status} ${response.body.slice(0, 300)}`);
  }
  return JSON.parse(response.body) as TaskBody;
}

export interface Waited {
  task: TaskBody;
  /** GETs sent. */
  polls: number;
  /** Of those, answered 304 Not Modified: the wait ended with the task still at the seq sent. */
  notModified: number;
  /** The longest of those 304 answers took, in ms (0 without any). */
  notModifiedMaxMs: number;
}

/**
 * Long-polls GET <endpoint>/:id (`Prefer: wait=<waitS>`, its wait for the end, and If-None-Match the
 * last seq seen where the endpoint answers those) until the task has finished; throws unless it succeeded. A 304 (no
 * change) is polled again.
 */
export async function waitForSuccess(
  client: HttpClient,
  task: TaskBody,
  waitS: number,
  endpoint = TASKYARD_TASKS,
): Promise<Waited> {
  let current = task;
  let polls = 0;
  let notModified = 0;
  let notModifiedMaxMs = 0;
  while (!FINISHED.has(current.status)) {
    const sent = performance.now();
    const headers: Record<string, string> = { prefer: `wait=${waitS}` };
    if (endpoint.conditionalPolls) headers['if-none-match'] = `W/"${current.lastSeq}"`;
    const url = `${endpoint.path}/${current.id}${endpoint.untilFinished}`;
    const response = await client.request('GET', url, { headers });
    polls += 1;
    if (response.status === 304) {
      notModified += 1;
      notModifiedMaxMs = Math.max(notModifiedMaxMs, performance.now() - sent);
    } else current = parseTask(response, `GET ${endpoint.path}/${task.id}`);
  }
  if (current.status !== 'succeeded') {
    throw new Error(
      `task ${current.id} ${current.status}: ${current.error?.detail ?? current.error?.title ?? ''}`,
    );
  }
  return { task: current, polls, notModified, notModifiedMaxMs };
}

/** Every event of a task, paging with `after`. */
export async function taskEvents(client: HttpClient, id: string): Promise<TaskEventBody[]> {
  const events: TaskEventBody[] = [];
  for (;;) {
    const after = events.at(-1)?.seq ?? 0;
    const { body } = (await client.json(
      'GET',
      `/api/v1/tasks/${id}/events?after=${after}&limit=1000`,
      [200],
    )) as { body: TaskEventBody[] };
    events.push(...body);
    if (body.length < 1000) return events;
  }
}
