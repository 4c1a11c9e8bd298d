/** What a claim hands the worker: one task under a lease (`leaseToken`) until `leaseExpiresAt`. */
export interface ClaimedTask {
  id: string;
  type: string;
  tenant: string;
  /** 1 for the first run, 2 for the first retry… */
  attempt: number;
  leaseToken: string;
  leaseExpiresAt: string;
  payload: unknown;
  options: unknown;
  /** The task's input file, for a type registered with `input: "file"`. */
  input: TaskInputFile | null;
}

export interface TaskInputFile {
  /** Under the service's root: `/api/v1/workers/{name}/tasks/{id}/input`. */
  url: string;
  name: string;
  size: number;
  mediaType: string;
}

/** A body for `uploadArtifact`: bytes, text, a Blob or a stream of bytes (Node streams too). */
export type ArtifactBody =
  string | Uint8Array | Blob | ReadableStream<Uint8Array> | AsyncIterable<Uint8Array>;

export interface UploadedArtifact {
  name: string;
  size: number;
  mediaType: string;
}

/** What a handler is given beside its task. */
export interface WorkerContext {
  /**
   * Aborted when the task should stop: its cancel was requested, its lease was lost (another
   * worker holds it now), or the worker is stopping past its drain timeout. Its reason says which.
   */
  signal: AbortSignal;
  progress(percent: number, message?: string): Promise<void>;
  partial(data: unknown): Promise<void>;
  uploadArtifact(name: string, body: ArtifactBody, mediaType: string): Promise<UploadedArtifact>;
  /** The task's input file as it streams from the service (Range-free, from its first byte). */
  input(): Promise<ReadableStream<Uint8Array>>;
}

export type TaskHandler = (task: ClaimedTask, ctx: WorkerContext) => Promise<unknown>;

export interface TaskTypeDefinition {
  /** Where the task's input comes from: its JSON payload or an uploaded file. */
  input: 'payload' | 'file';
  /** JSON Schema of the type's options: the service validates new tasks against it. */
  options?: Record<string, unknown>;
  /** Media types accepted for a file input. */
  mediaTypes?: string[];
  /** How many tasks of this type this worker runs at once (default 1). */
  concurrency?: number;
  handler: TaskHandler;
}

export interface TaskyardWorkerOptions {
  /** The service's root, e.g. http://localhost:3000. */
  url: string;
  /** A `worker` API key (or an admin key, to serve every tenant). */
  key: string;
  /** The worker's name, `^[a-z0-9][a-z0-9._-]{0,62}$`: re-registering it replaces its types. */
  name: string;
  types: Record<string, TaskTypeDefinition>;
  /** How long one claim waits for work on the server (`Prefer: wait=N`), 0..60 s; default 20. */
  waitSeconds?: number;
  /** How long another call may go without an answer; default 30 s. */
  timeoutMs?: number;
  /** Told of every error the worker recovers from (a failed claim, heartbeat or report). */
  onError?: (error: unknown, task?: ClaimedTask) => void;
  /** The fetch to use (default: the global one). */
  fetch?: typeof fetch;
}

/** What `stop` waits for. */
export interface StopOptions {
  /** How long running handlers may take to end before their signal is aborted; default 30 s. */
  timeoutMs?: number;
}
