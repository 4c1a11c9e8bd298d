import { asProblem, TaskyardConnectionError, TaskyardError } from './errors.js';
import { openSource } from './file-source.js';
import { followByPolling } from './follow-polling.js';
import { FINAL_KINDS, followTask, FollowTaskError } from './follow-task.js';
import { ApiHttp, type CallOptions, type Query } from './http.js';
import { multipartBody } from './multipart-body.js';
import type {
  Activity,
  ApiKey,
  CreatedApiKey,
  CreateTaskInput,
  FailureFilter,
  FailureGroup,
  FailureSelection,
  FailuresActed,
  FileSource,
  FollowTransport,
  ImportRowsPage,
  ListTasksQuery,
  Me,
  QueueInfo,
  StoredFile,
  StuckJob,
  SubmitFileInput,
  Task,
  TaskEvent,
  TaskPage,
  TaskType,
  UploadProgress,
  WorkerProcess,
  WorkerStatus,
} from './types.js';
import type {
  CreatedWebhook,
  CreateWebhookInput,
  UpdateWebhookInput,
  Webhook,
  WebhookDelivery,
  WebhookDestination,
} from './types.js';

export type { CallOptions } from './http.js';

export interface TaskyardOptions {
  /** The service's root, e.g. http://localhost:3000 (the API is under /api/v1, the feed at /tasks). */
  url: string;
  /** An API key (`ty_…`). */
  key: string;
  /** How long a call may go without hearing from the server; default 30 s. */
  timeoutMs?: number;
  /** The fetch to use (default: the global one). */
  fetch?: typeof fetch;
}

export interface UploadOptions extends CallOptions {
  onUploadProgress?: (progress: UploadProgress) => void;
}

export interface FollowOptions {
  /** Start after this seq (the events up to it are known already). */
  afterSeq?: number;
  signal?: AbortSignal;
  /** `auto` (default): Socket.IO, and long polling when WebSocket does not get through. */
  transport?: FollowTransport;
}

const DEFAULT_TIMEOUT_MS = 30_000;
/** What `wait` and polling `follow` ask the server to hold a `GET /tasks/:id` for. */
const LONG_POLL_S = 30;
/** Events per page of `GET /tasks/:id/events` (the server's most). */
const EVENTS_PAGE = 1000;
/** A task's final event is named after its final status. */
const FINISHED: ReadonlySet<string> = FINAL_KINDS;

/**
 * A client of one Taskyard service, with one API key: tasks, files, live events and, for admin
 * keys, keys, queues and worker processes. Problems answered by the server throw a TaskyardError;
 * no answer (a refused connection, a timeout) a TaskyardConnectionError; an aborted signal its
 * reason.
 */
export class Taskyard {
  private readonly http: ApiHttp;
  private readonly url: string;
  private readonly key: string;
  private readonly timeoutMs: number;

  constructor(options: TaskyardOptions) {
    this.url = options.url.replace(/\/+$/, '');
    this.key = options.key;
    this.timeoutMs = options.timeoutMs ?? DEFAULT_TIMEOUT_MS;
    const fetchImpl = options.fetch ?? ((...args: Parameters<typeof fetch>) => fetch(...args));
    this.http = new ApiHttp(this.url, this.key, this.timeoutMs, fetchImpl);
  }

  // tasks

  /** Every task type the service runs, by name, with the JSON Schema of its options. */
  async taskTypes(options: CallOptions = {}): Promise<TaskType[]> {
    const list = await this.http.json<{ types: TaskType[] }>(
      { method: 'GET', path: '/task-types' },
      options,
    );
    return list.types;
  }

  /** A task from JSON (`payload`, or `fileId` of a file uploaded before). */
  createTask(
    input: CreateTaskInput,
    options: CallOptions & { idempotencyKey?: string } = {},
  ): Promise<Task> {
    return this.http.json(
      { method: 'POST', path: '/tasks', json: input, headers: idempotency(options) },
      options,
    );
  }

  /** Uploads a file and creates a task of it in one request, streaming the file as it is read. */
  async submitFile(
    file: FileSource,
    input: SubmitFileInput,
    options: UploadOptions & { idempotencyKey?: string } = {},
  ): Promise<Task> {
    const fields: [string, string][] = [['type', input.type]];
    if (input.options !== undefined) fields.push(['options', JSON.stringify(input.options)]);
    if (input.concurrencyKey !== undefined) fields.push(['concurrencyKey', input.concurrencyKey]);
    if (input.callbackUrl !== undefined) fields.push(['callbackUrl', input.callbackUrl]);
    return this.upload('/tasks', file, input, fields, options, idempotency(options));
  }

  /**
   * The task; with `waitS`, the server holds the answer up to that long for its next change, or
   * with `until: 'finished'` for its end.
   */
  getTask(
    id: string,
    options: CallOptions & { waitS?: number; until?: 'finished' } = {},
  ): Promise<Task> {
    return this.http.json(
      {
        method: 'GET',
        path: `/tasks/${segment(id)}${options.until ? `?until=${options.until}` : ''}`,
        headers: options.waitS ? { prefer: `wait=${options.waitS}` } : {},
      },
      { ...options, timeoutMs: options.timeoutMs ?? this.longPollTimeout(options.waitS) },
    );
  }

  /** One page, newest first; pass `nextCursor` back as `cursor` for the next. */
  listTasks(query: ListTasksQuery = {}, options: CallOptions = {}): Promise<TaskPage> {
    return this.http.json({ method: 'GET', path: '/tasks', query: listQuery(query) }, options);
  }

  /** Every task the query matches, page after page. */
  async *tasks(query: ListTasksQuery = {}, options: CallOptions = {}): AsyncGenerator<Task> {
    let cursor = query.cursor;
    do {
      const page = await this.listTasks({ ...query, cursor }, options);
      yield* page.items;
      cursor = page.nextCursor ?? undefined;
    } while (cursor);
  }

  /** Every event of the task's log after `after` (default: all of them), in seq order. */
  async events(id: string, options: CallOptions & { after?: number } = {}): Promise<TaskEvent[]> {
    const all: TaskEvent[] = [];
    let after = options.after ?? 0;
    for (;;) {
      const page = await this.http.json<TaskEvent[]>(
        {
          method: 'GET',
          path: `/tasks/${segment(id)}/events`,
          query: { after, limit: EVENTS_PAGE },
        },
        options,
      );
      all.push(...page);
      const last = page.at(-1);
      if (page.length < EVENTS_PAGE || !last) return all;
      after = last.seq;
    }
  }

  /** A page of the rows a succeeded csv.import loaded, in load order (1 to 1000 a page). */
  importRows(
    id: string,
    query: { after?: string; limit?: number } = {},
    options: CallOptions = {},
  ): Promise<ImportRowsPage> {
    return this.http.json(
      {
        method: 'GET',
        path: `/tasks/${segment(id)}/rows`,
        query: { after: query.after, limit: query.limit },
      },
      options,
    );
  }

  cancelTask(id: string, options: CallOptions = {}): Promise<Task> {
    return this.http.json({ method: 'POST', path: `/tasks/${segment(id)}/cancel` }, options);
  }

  retryTask(id: string, options: CallOptions = {}): Promise<Task> {
    return this.http.json({ method: 'POST', path: `/tasks/${segment(id)}/retry` }, options);
  }

  async deleteTask(id: string, options: CallOptions = {}): Promise<void> {
    await this.http.json({ method: 'DELETE', path: `/tasks/${segment(id)}` }, options);
  }

  /** An output file as a stream; the timeout covers the answer, the signal the whole download. */
  artifact(
    id: string,
    name: string,
    options: CallOptions = {},
  ): Promise<ReadableStream<Uint8Array>> {
    return this.http.call(
      { method: 'GET', path: `/tasks/${segment(id)}/artifacts/${segment(name)}` },
      options,
      async (response) => response.body ?? new Blob([]).stream(),
    );
  }

  /** An output file written to `path` (Node only). */
  async saveArtifact(
    id: string,
    name: string,
    path: string,
    options: CallOptions = {},
  ): Promise<{ bytes: number }> {
    const { saveStream } = await import('./save-file.js');
    return saveStream(await this.artifact(id, name, options), path, options.signal);
  }

  /**
   * The task's events as they happen, from the first (or after `afterSeq`) to the final one, then
   * it ends. Over Socket.IO, resuming after the last seq across reconnections; over long polling
   * when WebSocket does not get through (`auto`) or when asked (`polling`).
   */
  async *follow(id: string, options: FollowOptions = {}): AsyncGenerator<TaskEvent> {
    const transport = options.transport ?? 'auto';
    let lastSeq = options.afterSeq ?? 0;
    if (transport !== 'polling') {
      try {
        const feed = followTask(this.url, this.key, id, {
          afterSeq: lastSeq,
          signal: options.signal,
          failFast: transport === 'auto',
        });
        for await (const event of feed) {
          lastSeq = event.seq;
          yield event;
        }
        return;
      } catch (error) {
        if (options.signal?.aborted) throw options.signal.reason;
        if (!(error instanceof FollowTaskError)) throw error;
        const problem = asProblem(error.problem);
        if (problem) throw new TaskyardError(problem);
        if (!error.unreachable || transport === 'websocket') {
          throw new TaskyardConnectionError(error.message, this.url, false, { cause: error });
        }
      }
    }
    yield* followByPolling(
      {
        eventsAfter: (after, signal) => this.events(id, { after, signal }),
        changedAfter: (seq, signal) => this.changedAfter(id, seq, signal),
      },
      lastSeq,
      options.signal,
    );
  }

  /**
   * The task once it has finished (succeeded, failed or cancelled), by long polling. `timeoutMs`
   * here bounds the whole wait (default: none, each poll has its own).
   */
  async wait(id: string, options: CallOptions = {}): Promise<Task> {
    const limit =
      options.timeoutMs === undefined ? undefined : AbortSignal.timeout(options.timeoutMs);
    const signals = [options.signal, limit].filter((s): s is AbortSignal => s !== undefined);
    const signal = signals.length > 0 ? AbortSignal.any(signals) : undefined;
    try {
      for (;;) {
        const task = await this.getTask(id, { signal, waitS: LONG_POLL_S, until: 'finished' });
        if (FINISHED.has(task.status)) return task;
      }
    } catch (error) {
      if (options.signal?.aborted) throw options.signal.reason;
      if (limit?.aborted) {
        throw TaskyardConnectionError.timeout(
          this.http.url(`/tasks/${segment(id)}`),
          options.timeoutMs ?? 0,
        );
      }
      throw error;
    }
  }

  // files

  /** Uploads a file (streamed as it is read); tasks take its id as `fileId`. */
  uploadFile(
    file: FileSource,
    input: { fileName?: string; mediaType?: string } = {},
    options: UploadOptions = {},
  ): Promise<StoredFile> {
    return this.upload('/files', file, input, [], options);
  }

  /** A file's metadata: its name, media type, size and digest. */
  getFile(id: string, options: CallOptions = {}): Promise<StoredFile> {
    return this.http.json({ method: 'GET', path: `/files/${segment(id)}` }, options);
  }

  /** The key this client calls with: its id, tenant and role. */
  me(options: CallOptions = {}): Promise<Me> {
    return this.http.json({ method: 'GET', path: '/me' }, options);
  }

  // admin (admin keys only)

  createKey(
    input: { tenant: string; name: string; role?: 'user' | 'admin' | 'worker' },
    options: CallOptions = {},
  ): Promise<CreatedApiKey> {
    return this.http.json({ method: 'POST', path: '/admin/keys', json: input }, options);
  }

  async listKeys(query: { tenant?: string } = {}, options: CallOptions = {}): Promise<ApiKey[]> {
    const keys = await this.http.json<ApiKey[]>({ method: 'GET', path: '/admin/keys' }, options);
    return query.tenant === undefined ? keys : keys.filter((k) => k.tenant === query.tenant);
  }

  async revokeKey(id: string, options: CallOptions = {}): Promise<void> {
    await this.http.json({ method: 'DELETE', path: `/admin/keys/${segment(id)}` }, options);
  }

  listQueues(options: CallOptions = {}): Promise<QueueInfo[]> {
    return this.http.json({ method: 'GET', path: '/admin/queues' }, options);
  }

  /** The queue's summary after the change. */
  pauseQueue(name: string, options: CallOptions = {}): Promise<QueueInfo> {
    return this.http.json(
      { method: 'POST', path: `/admin/queues/${segment(name)}/pause` },
      options,
    );
  }

  resumeQueue(name: string, options: CallOptions = {}): Promise<QueueInfo> {
    return this.http.json(
      { method: 'POST', path: `/admin/queues/${segment(name)}/resume` },
      options,
    );
  }

  /** The worker processes, newest first: every one the registry keeps, or those in `status`. */
  listWorkers(
    query: { status?: WorkerStatus } = {},
    options: CallOptions = {},
  ): Promise<WorkerProcess[]> {
    return this.http.json(
      { method: 'GET', path: '/admin/workers', query: { status: query.status } },
      options,
    );
  }

  /** Jobs succeeded and failed per minute and queue over the last `minutes` (1..1440, default 60). */
  activity(query: { minutes?: number } = {}, options: CallOptions = {}): Promise<Activity> {
    return this.http.json(
      { method: 'GET', path: '/admin/activity', query: { minutes: query.minutes } },
      options,
    );
  }

  /** Running jobs over their time limit or with a lapsing lease. */
  stuckJobs(options: CallOptions = {}): Promise<StuckJob[]> {
    return this.http.json({ method: 'GET', path: '/admin/stuck' }, options);
  }

  /** Failed tasks grouped by type and error, largest group first. */
  async failureGroups(
    query: FailureFilter = {},
    options: CallOptions = {},
  ): Promise<FailureGroup[]> {
    const { type, queue, tenant } = query;
    const body = await this.http.json<{ groups: FailureGroup[] }>(
      { method: 'GET', path: '/admin/failures', query: { type, queue, tenant } },
      options,
    );
    return body.groups;
  }

  /** Retries up to 1,000 of the selected failed tasks; call again while `remaining` is above 0. */
  retryFailures(selection: FailureSelection, options: CallOptions = {}): Promise<FailuresActed> {
    return this.http.json(
      { method: 'POST', path: '/admin/failures/retry', json: selection },
      options,
    );
  }

  /** Deletes up to 1,000 of the selected failed tasks, as `deleteTask` does each. */
  discardFailures(selection: FailureSelection, options: CallOptions = {}): Promise<FailuresActed> {
    return this.http.json(
      { method: 'POST', path: '/admin/failures/discard', json: selection },
      options,
    );
  }

  // webhooks (endpoints of the key's tenant; an admin key sees every tenant's)

  /** Registers an endpoint; the answer holds its signing secret, the only time it is shown. */
  createWebhook(input: CreateWebhookInput, options: CallOptions = {}): Promise<CreatedWebhook> {
    return this.http.json({ method: 'POST', path: '/webhooks', json: input }, options);
  }

  /** The endpoints, oldest first, without their secrets. */
  listWebhooks(options: CallOptions = {}): Promise<Webhook[]> {
    return this.http.json({ method: 'GET', path: '/webhooks' }, options);
  }

  getWebhook(id: string, options: CallOptions = {}): Promise<Webhook> {
    return this.http.json({ method: 'GET', path: `/webhooks/${segment(id)}` }, options);
  }

  /** Changes the endpoint's URL or events; its secret stays. */
  updateWebhook(
    id: string,
    changes: UpdateWebhookInput,
    options: CallOptions = {},
  ): Promise<Webhook> {
    return this.http.json(
      { method: 'PATCH', path: `/webhooks/${segment(id)}`, json: changes },
      options,
    );
  }

  /** Removes the endpoint and its delivery records. */
  async deleteWebhook(id: string, options: CallOptions = {}): Promise<void> {
    await this.http.json({ method: 'DELETE', path: `/webhooks/${segment(id)}` }, options);
  }

  /** The endpoint's last 100 delivery attempts, latest first (the route has no further pages). */
  webhookDeliveries(id: string, options: CallOptions = {}): Promise<WebhookDelivery[]> {
    return this.http.json({ method: 'GET', path: `/webhooks/${segment(id)}/deliveries` }, options);
  }

  /** The secret that signs the callbacks of the tenant's tasks (`callbackUrl`), made on first use. */
  async callbackSecret(options: CallOptions = {}): Promise<string> {
    const answer = await this.http.json<{ secret: string }>(
      { method: 'GET', path: '/webhooks/default/secret' },
      options,
    );
    return answer.secret;
  }

  /** The last 100 attempts to POST the task's events to its callbackUrl, latest first. */
  taskCallbacks(taskId: string, options: CallOptions = {}): Promise<WebhookDelivery[]> {
    return this.http.json({ method: 'GET', path: `/tasks/${segment(taskId)}/callbacks` }, options);
  }

  /** Admin keys: the circuit breaker of each destination, as the answering process keeps them. */
  webhookDestinations(options: CallOptions = {}): Promise<WebhookDestination[]> {
    return this.http.json({ method: 'GET', path: '/admin/webhooks/destinations' }, options);
  }

  private async upload<T>(
    path: string,
    file: FileSource,
    input: { fileName?: string; mediaType?: string },
    fields: [string, string][],
    options: UploadOptions,
    headers: Record<string, string> = {},
  ): Promise<T> {
    const source = await openSource(file);
    const part = {
      source,
      fileName: input.fileName ?? source.name ?? 'file',
      mediaType: input.mediaType ?? source.mediaType ?? 'application/octet-stream',
      onProgress: options.onUploadProgress,
    };
    return this.http.json(
      { method: 'POST', path, headers, stream: (touch) => multipartBody(fields, part, touch) },
      options,
    );
  }

  /** Long-polls the task until it has moved past `seq` (304 when the server's wait ended first). */
  private async changedAfter(id: string, seq: number, signal?: AbortSignal): Promise<void> {
    await this.http.call(
      {
        method: 'GET',
        path: `/tasks/${segment(id)}`,
        headers: { prefer: `wait=${LONG_POLL_S}`, 'if-none-match': `W/"${seq}"` },
      },
      { signal, timeoutMs: this.longPollTimeout(LONG_POLL_S) },
      async (response) => void (await response.arrayBuffer()),
    );
  }

  /** A held GET must be given longer than it may be held. */
  private longPollTimeout(waitS: number | undefined): number {
    return waitS ? Math.max(this.timeoutMs, waitS * 1000 + 10_000) : this.timeoutMs;
  }
}

function idempotency(options: { idempotencyKey?: string }): Record<string, string> {
  return options.idempotencyKey ? { 'idempotency-key': options.idempotencyKey } : {};
}

function segment(value: string): string {
  return encodeURIComponent(value);
}

function time(value: Date | string | undefined): string | undefined {
  return value instanceof Date ? value.toISOString() : value;
}

function listQuery(query: ListTasksQuery): Query {
  return {
    status: Array.isArray(query.status) ? query.status.join(',') : query.status,
    type: query.type,
    createdAfter: time(query.createdAfter),
    createdBefore: time(query.createdBefore),
    cursor: query.cursor,
    limit: query.limit,
  };
}
