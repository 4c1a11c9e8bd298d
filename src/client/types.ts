/**
 * What the Taskyard API sends and takes, as JSON carries it (times are ISO 8601 strings). These
 * mirror the server's views (src/tasks/task.ts, src/files/file.view.ts, the admin controllers)
 * without importing them: this folder holds no server code.
 */

export type TaskStatus = 'queued' | 'running' | 'succeeded' | 'failed' | 'cancelled';

export interface TaskProgress {
  percent?: number;
  message?: string;
}

/** A failed or cancelled task's `error`: a problem object. */
export interface TaskProblem {
  type: string;
  title: string;
  detail: string;
  [extension: string]: unknown;
}

export interface ArtifactInfo {
  name: string;
  size: number;
  mediaType: string;
}

/** A file task's input file. */
export interface InputFile {
  /** The name it was uploaded with; null when it came without one. */
  name: string | null;
  size: number;
  mediaType: string;
}

export interface Task {
  id: string;
  type: string;
  status: TaskStatus;
  inputFileId: string | null;
  /** In the answers of `listTasks` and `getTask`: the input file; null for payload tasks. */
  inputFile?: InputFile | null;
  payload: unknown;
  options: Record<string, unknown>;
  progress: TaskProgress | null;
  result: unknown;
  error: TaskProblem | null;
  attempts: number;
  maxAttempts: number;
  /** For a queued task waiting for a retry: when it may run again. */
  runAt: string | null;
  parentId: string | null;
  /** Where its terminal events are POSTed; null when nowhere. */
  callbackUrl: string | null;
  children?: { total: number; succeeded: number; failed: number; cancelled: number };
  /** The seq of its latest event. */
  lastSeq: number;
  /** Why it is not running yet: in the answer of `getTask` only, while it waits. */
  waiting?: TaskWaiting;
  createdAt: string;
  updatedAt: string;
  startedAt: string | null;
  finishedAt: string | null;
  /** Shown to admin keys only. */
  tenant?: string;
  /** In the answer of `getTask` (empty until the task has finished). */
  artifacts?: ArtifactInfo[];
}

/** Why a task is not running yet, the first that holds in this order. */
export type TaskWaitReason =
  'run_at' | 'queue_paused' | 'no_worker' | 'concurrency_key' | 'group_cap' | 'children' | 'behind';

/** `waiting` of a task: the reason, a sentence, and the detail members of that reason. */
export interface TaskWaiting {
  reason: TaskWaitReason;
  message: string;
  /** run_at: not before then. */
  runAt?: string;
  /** queue_paused: the paused queue. */
  queue?: string;
  /** concurrency_key: the running task that holds the key (null: none the key may see). */
  blockedBy?: string | null;
  /** group_cap: the tenant at its cap of running tasks, the cap and how many run. */
  tenant?: string;
  maxRunning?: number;
  running?: number;
  /** children: how many the parent has, and how many have not finished. */
  total?: number;
  unfinished?: number;
  /** behind: runnable tasks ahead of it in claim order. */
  ahead?: number;
}

/** One event of a task's log: REST `GET /tasks/:id/events` and the Socket.IO `task.event`. */
export interface TaskEvent {
  taskId: string;
  seq: number;
  kind: string;
  at: string;
  data: unknown;
  /** On a progress event merged for a client that could not keep up: the first seq it stands for. */
  replaces?: number;
}

/** An event of the tenant stream: a task event and the position to resume from after it. */
export interface TenantEvent extends TaskEvent {
  position: string;
}

/** A column of a csv.import's table, as its result lists it. */
export interface ImportColumn {
  name: string;
  type: 'int' | 'float' | 'bool' | 'date' | 'text';
  nullable: boolean;
  /** The header field it was read from; null without a header. */
  sourceName?: string | null;
}

/** A page of the rows a csv.import loaded (`importRows`), in load order. */
export interface ImportRowsPage {
  columns: ImportColumn[];
  /** `_line` (the line of the file the record ends on), then one member per column. */
  items: Record<string, unknown>[];
  /** Pass as `after` for the next page; null on the last one. */
  nextCursor: string | null;
}

export interface TaskPage {
  items: Task[];
  /** Pass as `cursor` for the next page; null on the last one. */
  nextCursor: string | null;
}

export interface ListTasksQuery {
  status?: TaskStatus | TaskStatus[];
  type?: string;
  createdAfter?: Date | string;
  createdBefore?: Date | string;
  cursor?: string;
  /** Tasks per page, 1 to 100 (the server's default: 20). */
  limit?: number;
}

/** A task type the service runs, and what submitting one takes. */
export interface TaskType {
  type: string;
  input: 'file' | 'payload';
  /** File input: the media types it takes, empty when it takes any. Payload input: empty. */
  mediaTypes: string[];
  /** The JSON Schema of its options, made from the checks the server runs on them. */
  options: Record<string, unknown>;
}

export interface CreateTaskInput {
  type: string;
  payload?: unknown;
  options?: object;
  /** A file uploaded before (`uploadFile`), for file types. */
  fileId?: string;
  /** Never two running tasks of the tenant with this key at once. */
  concurrencyKey?: string;
  /**
   * Where the task's terminal events are POSTed, signed with `callbackSecret()`: an absolute
   * http(s) URL without user info, at most 2048 characters.
   */
  callbackUrl?: string;
}

export interface SubmitFileInput {
  type: string;
  options?: object;
  /** Never two running tasks of the tenant with this key at once. */
  concurrencyKey?: string;
  /** As `CreateTaskInput.callbackUrl`. */
  callbackUrl?: string;
  fileName?: string;
  mediaType?: string;
}

export interface StoredFile {
  id: string;
  name: string | null;
  mediaType: string;
  size: number;
  sha256: string;
  createdAt: string;
  /** Set for a task's output. */
  taskId?: string;
  artifactName?: string;
}

/**
 * What can be uploaded: a file path (Node only), a Blob (or File), bytes, a web ReadableStream or
 * any async iterable of bytes (a Node Readable is one). Streams are sent as they are read.
 */
export type FileSource =
  string | Blob | Uint8Array | ReadableStream<Uint8Array> | AsyncIterable<Uint8Array>;

export interface UploadProgress {
  /** File bytes sent so far. */
  loaded: number;
  /** The file's size, when known before sending (a path, a Blob, bytes). */
  total?: number;
}

export interface FieldError {
  /** Dotted path of the field, e.g. `options.delimiter`. */
  field: string;
  messages: string[];
}

/** An RFC 9457 problem, as the server sends it with `application/problem+json`. */
export interface Problem {
  type: string;
  title: string;
  status: number;
  detail?: string;
  instance?: string;
  errors?: FieldError[];
  [extension: string]: unknown;
}

export type ApiKeyRole = 'user' | 'admin' | 'worker';

export interface ApiKey {
  id: string;
  tenant: string;
  name: string;
  role: ApiKeyRole;
  prefix: string;
  createdAt: string;
  lastUsedAt: string | null;
  revokedAt: string | null;
}

/** A new key: `key` is shown in this answer only. */
export interface CreatedApiKey extends ApiKey {
  key: string;
}

export type JobStatus = 'queued' | 'running' | 'succeeded' | 'failed' | 'cancelled';

export interface QueueInfo {
  name: string;
  paused: boolean;
  counts: Record<JobStatus, number>;
  running: number;
  /** Seconds the oldest job that could run has waited; null when none is waiting. */
  oldestQueuedAgeSeconds: number | null;
}

export type WorkerStatus = 'alive' | 'gone';

/** A worker process of the registry (`listWorkers`). */
export interface WorkerProcess {
  /** The worker id: the `leaseOwner` of the jobs it claims. */
  id: string;
  /** `remote`: a remote worker (id `remote:<tenant>/<name>`, host its name). */
  kind: 'process' | 'remote';
  /** `gone` once it stopped cleanly, or once it has not been heard from for WORKERS_GONE_AFTER_MS. */
  status: WorkerStatus;
  role: 'worker' | 'all' | 'remote';
  host: string;
  pid: number;
  version: string;
  startedAt: string;
  concurrency: number;
  /** Jobs it was running at its last heartbeat. */
  inFlight: number;
  /** The job types it has handlers for: `task:<type>` for each task type. */
  types: string[];
  /** The queues it takes jobs from; empty: every queue. */
  queues: string[];
  lastSeenAt: string;
  goneAt: string | null;
  /** A remote worker's tenant; null for a process. */
  tenant: string | null;
}

/** The key a client calls with (`me`): an admin key also reaches the admin calls. */
export interface Me {
  keyId: string;
  tenant: string;
  role: ApiKeyRole;
}

/** Jobs that ended in one minute (`activity`). */
export interface ActivityBucket {
  /** The minute's start. */
  at: string;
  succeeded: number;
  failed: number;
}

/** Finished jobs per minute and queue over the last minutes; every minute has its bucket. */
export interface Activity {
  from: string;
  /** Now, by the database clock: the last bucket is still filling. */
  to: string;
  bucketSeconds: 60;
  queues: { queue: string; buckets: ActivityBucket[] }[];
}

/** A running job in trouble (`stuckJobs`). */
export interface StuckJob {
  reason: 'over_time_limit' | 'lease_lapsing';
  taskId: string | null;
  jobId: string;
  type: string;
  queue: string;
  /** The lease owner: a worker id. */
  worker: string | null;
  startedAt: string;
  timeLimitMs: number;
  leaseExpiresAt: string | null;
}

/** Failed tasks of one type with one error, digits and UUIDs masked (`failureGroups`). */
export interface FailureGroup {
  /** Pass it to `retryFailures` and `discardFailures`. */
  key: string;
  type: string;
  error: { type: string; title: string; detail: string };
  count: number;
  firstSeen: string;
  lastSeen: string;
  sampleTaskId: string;
}

export interface FailureFilter {
  type?: string;
  queue?: string;
  tenant?: string;
}

/** Which failures to act on: a group's key, or `all: true` with the filters. */
export type FailureSelection = FailureFilter & ({ key: string; all?: true } | { all: true });

export interface FailuresActed {
  affected: number;
  /** Left for the same call to act on (it takes 1,000 at most): repeat while above 0. */
  remaining: number;
}

export type FollowTransport = 'auto' | 'websocket' | 'polling';

// webhooks (src/webhooks: the endpoints' and deliveries' views, the destinations controller)

/** What an endpoint subscribes to: `task.<kind>` for each kind of task event. */
export type WebhookEventType =
  | 'task.created'
  | 'task.started'
  | 'task.progress'
  | 'task.retrying'
  | 'task.succeeded'
  | 'task.failed'
  | 'task.cancelled';

/** A webhook endpoint of a tenant (`listWebhooks`, `getWebhook`): never its secret. */
export interface Webhook {
  id: string;
  tenant: string;
  url: string;
  events: WebhookEventType[];
  createdAt: string;
  updatedAt: string;
}

/** A new endpoint: `secret` (`whsec_…`, signing its deliveries) is shown in this answer only. */
export interface CreatedWebhook extends Webhook {
  secret: string;
}

export interface CreateWebhookInput {
  /** http or https, up to 2000 characters. */
  url: string;
  /** One or more, each once. */
  events: WebhookEventType[];
  /** `whsec_` and 24 to 64 bytes in base64; made by the server when left out. */
  secret?: string;
}

/** The secret stays: to change it, register a new endpoint. */
export interface UpdateWebhookInput {
  url?: string;
  events?: WebhookEventType[];
}

/** One attempt to deliver one event to an endpoint (`webhookDeliveries`). */
export interface WebhookDelivery {
  id: string;
  /** The webhook-id header: the same for every attempt of one event. */
  messageId: string;
  eventType: WebhookEventType;
  attempt: number;
  /** refused: the destination is an address deliveries may not reach. */
  outcome: 'delivered' | 'failed' | 'refused';
  /** Null when no answer came. */
  statusCode: number | null;
  durationMs: number;
  error: string | null;
  at: string;
}

/** The circuit breaker of one destination, in the process that answered (`webhookDestinations`). */
export interface WebhookDestination {
  /** host:port of the endpoints. */
  destination: string;
  state: 'closed' | 'open' | 'half-open';
  /** When an open breaker lets a probe through; null unless open. */
  halfOpenAt: string | null;
}
