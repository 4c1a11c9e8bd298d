import { TaskyardConnectionError, TaskyardError } from '../client/errors.js';
import type { ApiHttp } from '../client/http.js';
import { failureOf, LEASE_LOST, TaskAbortedError } from './errors.js';
import type {
  ArtifactBody,
  ClaimedTask,
  TaskHandler,
  UploadedArtifact,
  WorkerContext,
} from './types.js';

/** Heartbeats go out this often per lease: two may be lost before the lease lapses. */
const BEATS_PER_LEASE = 3;
/** The longest pause between two tries of a `complete` or `fail` that got no answer. */
const REPORT_RETRY_MAX_MS = 5_000;

const sleep = (ms: number): Promise<void> => new Promise((resolve) => setTimeout(resolve, ms));

function isLeaseLost(error: unknown): boolean {
  return error instanceof TaskyardError && (error.type === LEASE_LOST || error.status === 409);
}

/** A stream of what a handler hands `uploadArtifact`, read as the upload goes out. */
function readableOf(body: ArtifactBody): ReadableStream<Uint8Array> {
  if (body instanceof ReadableStream) return body;
  if (typeof body === 'string' || body instanceof Blob) return new Blob([body]).stream();
  const chunks: AsyncIterator<Uint8Array> | Iterator<Uint8Array> =
    body instanceof Uint8Array ? [body][Symbol.iterator]() : body[Symbol.asyncIterator]();
  return new ReadableStream<Uint8Array>({
    async pull(controller) {
      const next = await chunks.next();
      if (next.done) controller.close();
      else controller.enqueue(next.value);
    },
    async cancel() {
      await chunks.return?.();
    },
  });
}

/**
 * One claimed task while this worker holds its lease: keeps the lease alive (a heartbeat every
 * third of it), gives the handler its context, and reports how it ended. A 409 on any call means
 * the lease is someone else's now: the handler's signal is aborted and nothing more is reported.
 */
export class RunningTask {
  private readonly controller = new AbortController();
  private beat?: ReturnType<typeof setTimeout>;
  private leaseExpiresAt: number;
  private finished = false;

  constructor(
    private readonly http: ApiHttp,
    readonly task: ClaimedTask,
    private readonly workerName: string,
    private readonly onError: (error: unknown, task?: ClaimedTask) => void,
  ) {
    this.leaseExpiresAt = Date.parse(task.leaseExpiresAt);
  }

  /** Aborts the handler's signal (once: the first reason stands). */
  abort(reason: TaskAbortedError['reason']): void {
    if (!this.controller.signal.aborted) this.controller.abort(new TaskAbortedError(reason));
  }

  /** Runs the handler to its end and reports it; never rejects. */
  async run(handler: TaskHandler): Promise<void> {
    this.scheduleHeartbeat(Date.now());
    try {
      const result = await handler(this.task, this.context());
      await this.report('complete', { result: result ?? null });
    } catch (error) {
      const reason = (this.controller.signal.reason as TaskAbortedError | undefined)?.reason;
      if (reason === 'lease-lost') return;
      if (reason === 'cancelled' || reason === 'stopping') {
        // Both hand the task back (retryable): the service ends one whose cancel was requested as
        // cancelled rather than queued, and queues a stopping worker's task again.
        const failure = { message: new TaskAbortedError(reason).message, code: reason };
        await this.report('fail', { error: failure, retryable: true });
        return;
      }
      await this.report('fail', failureOf(error));
    } finally {
      this.finished = true;
      clearTimeout(this.beat);
    }
  }

  private context(): WorkerContext {
    const path = `/tasks/${this.task.id}`;
    return {
      signal: this.controller.signal,
      progress: (percent, message) => this.send('progress', { percent, message }),
      partial: (data) => this.send('partial', { data }),
      uploadArtifact: (name, body, mediaType) =>
        this.guard(
          this.http.json<UploadedArtifact>({
            method: 'PUT',
            path: `${path}/artifacts/${encodeURIComponent(name)}`,
            headers: { 'lease-token': this.task.leaseToken },
            stream: () => ({
              stream: readableOf(body),
              contentType: mediaType,
              failure: () => undefined,
              close: () => undefined,
            }),
          }),
        ),
      input: () =>
        this.guard(
          this.http.call(
            {
              method: 'GET',
              path: `/workers/${this.workerName}/tasks/${this.task.id}/input`,
              headers: { 'lease-token': this.task.leaseToken },
            },
            { signal: this.controller.signal },
            async (response) => {
              if (!response.body) throw new Error(`no body for the input of ${this.task.id}`);
              return response.body;
            },
          ),
        ),
    };
  }

  private async send(what: 'progress' | 'partial', body: object): Promise<void> {
    await this.guard(
      this.http.json({
        method: 'POST',
        path: `/tasks/${this.task.id}/${what}`,
        json: { leaseToken: this.task.leaseToken, ...body },
      }),
    );
  }

  /** A call made for the handler: a lost lease aborts its signal before the error reaches it. */
  private async guard<T>(call: Promise<T>): Promise<T> {
    try {
      return await call;
    } catch (error) {
      if (isLeaseLost(error)) this.abort('lease-lost');
      throw error;
    }
  }

  private scheduleHeartbeat(now: number): void {
    if (this.finished) return;
    const lease = Math.max(this.leaseExpiresAt - now, 300);
    this.beat = setTimeout(() => void this.heartbeat(), Math.floor(lease / BEATS_PER_LEASE));
  }

  private async heartbeat(): Promise<void> {
    try {
      const answer = await this.http.json<{ leaseExpiresAt: string; cancelRequested: boolean }>({
        method: 'POST',
        path: `/tasks/${this.task.id}/heartbeat`,
        json: { leaseToken: this.task.leaseToken },
      });
      this.leaseExpiresAt = Date.parse(answer.leaseExpiresAt);
      if (answer.cancelRequested) this.abort('cancelled');
    } catch (error) {
      if (isLeaseLost(error)) {
        this.abort('lease-lost');
        return;
      }
      // Missed: the next beat comes sooner than the lease ends, and may get through.
      this.onError(error, this.task);
    }
    this.scheduleHeartbeat(Date.now());
  }

  /**
   * Sends `complete` or `fail`, again after a lost answer or a 5xx for as long as the lease holds
   * (heartbeats go on meanwhile): giving up earlier would leave the task to wait out its lease and
   * run again.
   */
  private async report(what: 'complete' | 'fail', body: object): Promise<void> {
    for (let attempt = 1; ; attempt += 1) {
      try {
        await this.http.json({
          method: 'POST',
          path: `/tasks/${this.task.id}/${what}`,
          json: { leaseToken: this.task.leaseToken, ...body },
        });
        return;
      } catch (error) {
        if (isLeaseLost(error)) return;
        const transient =
          error instanceof TaskyardConnectionError ||
          (error instanceof TaskyardError && error.status >= 500);
        const pause = Math.min(250 * 2 ** attempt, REPORT_RETRY_MAX_MS);
        if (!transient || Date.now() + pause >= this.leaseExpiresAt) {
          this.onError(error, this.task);
          return;
        }
        await sleep(pause);
      }
    }
  }
}
