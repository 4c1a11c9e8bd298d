import { TaskyardError } from '../client/errors.js';
import { ApiHttp } from '../client/http.js';
import { RunningTask } from './running-task.js';
import type {
  ClaimedTask,
  StopOptions,
  TaskTypeDefinition,
  TaskyardWorkerOptions,
} from './types.js';

const DEFAULT_WAIT_S = 20;
const DEFAULT_TIMEOUT_MS = 30_000;
const DEFAULT_DRAIN_MS = 30_000;
/** After a failed claim the loop waits this long, doubling up to the most. */
const BACKOFF_MIN_MS = 500;
const BACKOFF_MAX_MS = 30_000;
const NAME = /^[a-z0-9][a-z0-9._-]{0,62}$/;

export interface WorkerRegistration {
  name: string;
  tenant: string | null;
  types: unknown[];
  registeredAt: string;
  lastSeenAt: string;
}

const sleep = (ms: number, signal: AbortSignal): Promise<void> =>
  new Promise((resolve) => {
    if (signal.aborted) return resolve();
    const timer = setTimeout(done, ms);
    signal.addEventListener('abort', done, { once: true });
    function done(): void {
      clearTimeout(timer);
      signal.removeEventListener('abort', done);
      resolve();
    }
  });

/**
 * A remote worker of a Taskyard service (`taskyard/worker`): registers the task types it serves,
 * long-polls for claims within each type's free concurrency, runs their handlers under a lease it
 * keeps alive, and completes or fails them. Its protocol is docs/remote-workers.md.
 *
 *   const worker = new TaskyardWorker({ url, key, name: 'thumbnailer', types: {
 *     'image.thumbnail': { input: 'file', concurrency: 4, handler: async (task, ctx) => … } } });
 *   await worker.start();   …   await worker.stop();
 */
export class TaskyardWorker {
  private readonly http: ApiHttp;
  private readonly waitSeconds: number;
  private readonly running = new Set<RunningTask>();
  private readonly settled = new Set<Promise<void>>();
  private readonly onError: (error: unknown, task?: ClaimedTask) => void;
  private polling = new AbortController();
  private loops: Promise<void>[] = [];
  private started = false;
  /** Wakes a type's claim loop when one of its tasks ends (a slot is free again). */
  private readonly wakers = new Map<string, () => void>();

  constructor(private readonly options: TaskyardWorkerOptions) {
    if (!NAME.test(options.name)) {
      throw new TypeError(`worker name ${JSON.stringify(options.name)} is not ${NAME}`);
    }
    if (Object.keys(options.types).length === 0) throw new TypeError('no task types to serve');
    const timeoutMs = options.timeoutMs ?? DEFAULT_TIMEOUT_MS;
    this.waitSeconds = Math.min(Math.max(Math.floor(options.waitSeconds ?? DEFAULT_WAIT_S), 0), 60);
    this.http = new ApiHttp(
      options.url.replace(/\/+$/, ''),
      options.key,
      timeoutMs,
      options.fetch ?? globalThis.fetch,
    );
    this.onError =
      options.onError ??
      ((error, task) =>
        console.error(
          `taskyard worker ${options.name}${task ? ` (task ${task.id})` : ''}:`,
          error,
        ));
  }

  /** How many handlers run now. */
  get active(): number {
    return this.running.size;
  }

  /** Registers (replacing the types registered before under this name), then starts claiming. */
  async start(): Promise<WorkerRegistration> {
    if (this.started) throw new Error('the worker is started already');
    const registration = await this.register();
    this.started = true;
    this.polling = new AbortController();
    this.loops = Object.entries(this.options.types).map(([type, definition]) =>
      this.claimLoop(type, definition),
    );
    return registration;
  }

  /**
   * Stops claiming and waits for the running handlers to end; past `timeoutMs` their signals are
   * aborted and their tasks handed back (failed retryable). A claim cut short by the stop may have
   * leased a task already: it returns to the queue when that lease lapses.
   */
  async stop(options: StopOptions = {}): Promise<void> {
    if (!this.started) return;
    this.started = false;
    this.polling.abort();
    await Promise.all(this.loops);
    const drained = Promise.all(this.settled).then(() => true);
    const timeoutMs = options.timeoutMs ?? DEFAULT_DRAIN_MS;
    let timer: ReturnType<typeof setTimeout> | undefined;
    const late = new Promise<boolean>((resolve) => {
      timer = setTimeout(() => resolve(false), timeoutMs);
    });
    if (!(await Promise.race([drained, late]))) {
      for (const task of this.running) task.abort('stopping');
      await Promise.all(this.settled);
    }
    clearTimeout(timer);
  }

  private register(): Promise<WorkerRegistration> {
    const types = Object.entries(this.options.types).map(([type, definition]) => ({
      type,
      input: definition.input,
      options: definition.options,
      mediaTypes: definition.mediaTypes,
      concurrency: definition.concurrency ?? 1,
    }));
    return this.http.json<WorkerRegistration>({
      method: 'PUT',
      path: `/workers/${this.options.name}`,
      json: { types },
    });
  }

  /** One type's loop: claims as many tasks as it has free slots, waiting on the server. */
  private async claimLoop(type: string, definition: TaskTypeDefinition): Promise<void> {
    const concurrency = definition.concurrency ?? 1;
    const held = (): number => [...this.running].filter((task) => task.task.type === type).length;
    const signal = this.polling.signal;
    let backoff = BACKOFF_MIN_MS;
    while (!signal.aborted) {
      const free = concurrency - held();
      if (free <= 0) {
        await this.slotFreed(type, signal);
        continue;
      }
      try {
        const tasks = await this.claim(type, free, signal);
        backoff = BACKOFF_MIN_MS;
        for (const task of tasks) this.launch(task, definition);
      } catch (error) {
        if (signal.aborted) return;
        this.onError(error);
        if (error instanceof TaskyardError && error.status === 404) {
          // Forgotten by the service (gone for long): registering again brings it back.
          await this.register().catch((again: unknown) => this.onError(again));
        }
        await sleep(backoff, signal);
        backoff = Math.min(backoff * 2, BACKOFF_MAX_MS);
      }
    }
  }

  /** Resolves when a task of `type` ends (or the worker stops). */
  private slotFreed(type: string, signal: AbortSignal): Promise<void> {
    return new Promise((resolve) => {
      const done = (): void => {
        signal.removeEventListener('abort', done);
        this.wakers.delete(type);
        resolve();
      };
      this.wakers.set(type, done);
      signal.addEventListener('abort', done, { once: true });
    });
  }

  private async claim(type: string, max: number, signal: AbortSignal): Promise<ClaimedTask[]> {
    const answer = await this.http.json<{ tasks: ClaimedTask[] }>(
      {
        method: 'POST',
        path: `/workers/${this.options.name}/claims`,
        headers: { prefer: `wait=${this.waitSeconds}` },
        json: { types: [type], max },
      },
      // The server holds the claim for up to the wait: the call may take that long and more.
      { signal, timeoutMs: this.waitSeconds * 1000 + DEFAULT_TIMEOUT_MS },
    );
    return answer.tasks;
  }

  private launch(task: ClaimedTask, definition: TaskTypeDefinition): void {
    const running = new RunningTask(this.http, task, this.options.name, this.onError);
    this.running.add(running);
    const settled = running.run(definition.handler).finally(() => {
      this.running.delete(running);
      this.settled.delete(settled);
      this.wakers.get(task.type)?.();
    });
    this.settled.add(settled);
  }
}
