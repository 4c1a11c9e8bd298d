import path from 'node:path';
import type {
  Environment,
  LogLevel,
  Pooler,
  RateLimitStore,
  Role,
  StorageKind,
} from './environment.js';

/** The validated settings, handed out through dependency injection (the class is its own token). */
export class AppConfig {
  readonly port: number;
  readonly host: string;
  readonly role: Role;
  /** Absolute path; every file Taskyard writes lives below it. */
  readonly dataDir: string;
  readonly logLevel: LogLevel;
  /** Where blobs live: DATA_DIR/blobs, or an S3-compatible bucket (src/files). */
  readonly storage: {
    readonly kind: StorageKind;
    readonly s3: {
      /** Empty: AWS S3 in `region`. */
      readonly endpoint?: string;
      readonly region: string;
      readonly bucket: string;
      /** Empty: the SDK's own credential chain (environment, profile, instance role). */
      readonly credentials?: { readonly accessKeyId: string; readonly secretAccessKey: string };
      readonly forcePathStyle: boolean;
    };
  };
  readonly shutdownGraceMs: number;
  /** OpenTelemetry traces (src/tracing), sent over OTLP/HTTP. */
  readonly tracing: {
    readonly enabled: boolean;
    /** Where spans are POSTed: OTEL_EXPORTER_OTLP_ENDPOINT + /v1/traces, as the specification says. */
    readonly url: string;
    readonly serviceName: string;
  };
  readonly docsEnabled: boolean;
  readonly database: {
    /** Empty when the embedded PostgreSQL is to be started; set to its URL once it runs. */
    readonly url?: string;
    readonly poolSize: number;
    readonly connectTimeoutMs: number;
    readonly runMigrations: boolean;
    /** Where Taskyard's tables, types and functions live (the search_path of its connections). */
    readonly schema: string;
    /** A direct connection for LISTEN and migrations when `url` leads to a pooler; else `url`. */
    readonly listenUrl?: string;
    /** No LISTEN anywhere (DATABASE_LISTEN_URL=none): the queue and the live feed poll. */
    readonly pollOnly: boolean;
    readonly pooler: Pooler;
    /** Named prepared statements for the hot queries (off for poolers that cannot keep them). */
    readonly preparedStatements: boolean;
  };
  readonly health: {
    readonly minFreeDiskBytes: number;
    readonly maxHeapBytes: number;
    readonly checkTimeoutMs: number;
    /** GET /health/queue's thresholds (src/health/queue.health.ts). */
    readonly queue: {
      /** The longest a runnable job may have waited. */
      readonly maxWaitMs: number;
      /** Stuck running jobs tolerated. */
      readonly maxStuck: number;
      /** Alive workers needed while a job is runnable; 0: not checked. */
      readonly minWorkers: number;
      /** Workers gone silent without a clean stop tolerated... */
      readonly maxStaleWorkers: number;
      /** ...counting those that went silent within this many milliseconds. */
      readonly staleWorkerWindowMs: number;
    };
  };
  readonly auth: {
    /** Seeded as an admin key at start-up. */
    readonly adminApiKey?: string;
    /** Requests per minute per API key; 0: no limit. */
    readonly rateLimitPerMinute: number;
    /** Where the per-key counters live: PostgreSQL (shared by every API process) or memory. */
    readonly rateLimitStore: RateLimitStore;
    readonly metricsRequireKey: boolean;
    /** Origins allowed by CORS: empty is none, `*` any. */
    readonly corsOrigins: string[];
    /** Failed authentications per client address and minute; 0: no limit. */
    readonly failuresPerMinute: number;
  };
  /** Node's HTTP server limits (see src/http-server.ts); 0 for requestTimeoutMs and maxConnections is off. */
  readonly http: {
    readonly headersTimeoutMs: number;
    readonly requestTimeoutMs: number;
    readonly idleTimeoutMs: number;
    readonly keepAliveTimeoutMs: number;
    readonly maxConnections: number;
  };
  /** Per-tenant defaults; an admin may set others per tenant. 0: no limit. */
  readonly tenants: {
    readonly maxRunningTasks: number;
    readonly maxQueuedTasks: number;
    readonly maxStoredBytes: number;
    /** Finished tasks older than this are deleted; 0 keeps them. */
    readonly taskRetentionHours: number;
    /** Uploaded files no task refers to, older than this, are deleted; 0 keeps them. */
    readonly fileRetentionHours: number;
  };
  /** Recurring tasks (src/schedules). */
  readonly schedules: {
    /** The least time between two runs of a schedule. */
    readonly minIntervalS: number;
    /** How often worker processes look for due schedules. */
    readonly pollMs: number;
  };
  /** Webhook deliveries (src/webhooks). */
  readonly webhooks: {
    /** Attempts per event and endpoint, the first included; retried with the queue's backoff. */
    readonly maxAttempts: number;
    /** Time limit of one attempt: connecting, sending and reading the answer's status. */
    readonly timeoutMs: number;
    /** Deliver to loopback, private and link-local addresses too (tests, internal networks). */
    readonly allowPrivate: boolean;
    /** Consecutive failures to one destination that open its circuit breaker. */
    readonly breakerFailures: number;
    /** How long an open breaker postpones deliveries before one probes. */
    readonly breakerHalfOpenMs: number;
  };
  /** Socket.IO /tasks: per-connection limits and the live feed's own database pool. */
  readonly gateway: {
    readonly messagesPerSecond: number;
    readonly messageBurst: number;
    readonly abuseLimit: number;
    readonly maxSubscriptions: number;
    readonly databasePoolSize: number;
    readonly readQueue: number;
  };
  readonly files: {
    readonly maxUploadBytes: number;
    readonly mediaTypes: ReadonlySet<string>;
  };
  readonly tasks: {
    /** The longest `Prefer: wait=N` honoured. */
    readonly maxWaitS: number;
    /** csv.import lets PostgreSQL's COPY parse the files it reads the same way (csv/csv-copy-load.ts). */
    readonly csvPostgresParser: boolean;
  };
  readonly jobs: {
    readonly leaseMs: number;
    readonly pollIntervalMs: number;
    readonly reaperIntervalMs: number;
    readonly defaultMaxAttempts: number;
    readonly defaultTimeoutMs: number;
    readonly backoffBaseMs: number;
    readonly backoffMaxMs: number;
    readonly groupMaxRunning: number;
    readonly retentionMs: number;
    readonly retentionCron: string;
  };
  readonly worker: {
    readonly concurrency: number;
    readonly prefetch: number;
    /** synchronous_commit of the claim and lease-renewal connections (see claimPool()). */
    readonly claimsSynchronousCommit: string;
    /** Empty: every queue. */
    readonly queues: string[];
    /** Jobs of one queue this process runs at once, for the queues that have a limit. */
    readonly queueConcurrency: ReadonlyMap<string, number>;
  };
  /** The registry of worker processes: how often each one says it is alive, and when it is gone. */
  readonly workers: {
    readonly heartbeatMs: number;
    readonly goneAfterMs: number;
  };
  /** Remote workers (docs/remote-workers.md): the lease of a claim, the longest claim wait. */
  readonly remoteWorkers: {
    readonly leaseMs: number;
    readonly maxWaitS: number;
  };

  constructor(env: Environment) {
    this.port = env.PORT;
    this.host = env.HOST;
    this.role = env.ROLE;
    this.dataDir = path.resolve(env.DATA_DIR);
    this.logLevel = env.LOG_LEVEL;
    this.storage = {
      kind: env.STORAGE,
      s3: {
        endpoint: env.S3_ENDPOINT,
        region: env.S3_REGION,
        bucket: env.S3_BUCKET ?? '',
        credentials:
          env.S3_ACCESS_KEY_ID && env.S3_SECRET_ACCESS_KEY
            ? { accessKeyId: env.S3_ACCESS_KEY_ID, secretAccessKey: env.S3_SECRET_ACCESS_KEY }
            : undefined,
        forcePathStyle: env.S3_FORCE_PATH_STYLE,
      },
    };
    this.shutdownGraceMs = env.SHUTDOWN_GRACE_MS;
    const exporter = env.OTEL_TRACES_EXPORTER;
    const endpoint = env.OTEL_EXPORTER_OTLP_ENDPOINT ?? 'http://localhost:4318';
    this.tracing = {
      enabled: exporter === 'otlp' || (exporter === undefined && !!env.OTEL_EXPORTER_OTLP_ENDPOINT),
      url: `${endpoint.replace(/\/+$/, '')}/v1/traces`,
      serviceName: env.OTEL_SERVICE_NAME,
    };
    this.docsEnabled = env.DOCS_ENABLED;
    this.database = {
      url: env.DATABASE_URL,
      poolSize: env.DATABASE_POOL_SIZE,
      connectTimeoutMs: env.DATABASE_CONNECT_TIMEOUT_MS,
      runMigrations: env.MIGRATIONS_RUN,
      schema: env.DATABASE_SCHEMA,
      listenUrl: env.DATABASE_LISTEN_URL === 'none' ? undefined : env.DATABASE_LISTEN_URL,
      pollOnly: env.DATABASE_LISTEN_URL === 'none',
      pooler: env.DATABASE_POOLER,
      preparedStatements: env.DATABASE_PREPARED_STATEMENTS,
    };
    this.health = {
      minFreeDiskBytes: env.HEALTH_MIN_FREE_DISK_MB * 1024 * 1024,
      maxHeapBytes: env.HEALTH_MAX_HEAP_MB * 1024 * 1024,
      checkTimeoutMs: env.HEALTH_CHECK_TIMEOUT_MS,
      queue: {
        maxWaitMs: env.HEALTH_QUEUE_MAX_WAIT_MS,
        maxStuck: env.HEALTH_QUEUE_MAX_STUCK,
        minWorkers: env.HEALTH_QUEUE_MIN_WORKERS,
        maxStaleWorkers: env.HEALTH_QUEUE_MAX_STALE_WORKERS,
        staleWorkerWindowMs: env.HEALTH_QUEUE_STALE_WORKER_WINDOW_MS,
      },
    };
    this.auth = {
      adminApiKey: env.ADMIN_API_KEY,
      rateLimitPerMinute: env.RATE_LIMIT_PER_MINUTE,
      rateLimitStore: env.RATE_LIMIT_STORE,
      metricsRequireKey: env.METRICS_REQUIRE_KEY,
      corsOrigins: env.CORS_ORIGINS.split(',').filter(Boolean),
      failuresPerMinute: env.AUTH_FAILURES_PER_MINUTE,
    };
    this.http = {
      headersTimeoutMs: env.HTTP_HEADERS_TIMEOUT_MS,
      requestTimeoutMs: env.HTTP_REQUEST_TIMEOUT_MS,
      idleTimeoutMs: env.HTTP_IDLE_TIMEOUT_MS,
      keepAliveTimeoutMs: env.HTTP_KEEP_ALIVE_TIMEOUT_MS,
      maxConnections: env.HTTP_MAX_CONNECTIONS,
    };
    this.schedules = {
      minIntervalS: env.SCHEDULES_MIN_INTERVAL_S,
      pollMs: env.SCHEDULES_POLL_MS,
    };
    this.tenants = {
      maxRunningTasks: env.TASKS_TENANT_MAX_RUNNING,
      maxQueuedTasks: env.TASKS_TENANT_MAX_QUEUED,
      maxStoredBytes: env.FILES_TENANT_MAX_BYTES,
      taskRetentionHours: env.TASKS_RETENTION_HOURS,
      fileRetentionHours: env.FILES_RETENTION_HOURS,
    };
    this.webhooks = {
      maxAttempts: env.WEBHOOKS_MAX_ATTEMPTS,
      timeoutMs: env.WEBHOOKS_TIMEOUT_MS,
      allowPrivate: env.WEBHOOKS_ALLOW_PRIVATE,
      breakerFailures: env.WEBHOOKS_BREAKER_FAILURES,
      breakerHalfOpenMs: env.WEBHOOKS_BREAKER_HALF_OPEN_MS,
    };
    this.gateway = {
      messagesPerSecond: env.GATEWAY_MESSAGES_PER_SECOND,
      messageBurst: env.GATEWAY_MESSAGE_BURST,
      abuseLimit: env.GATEWAY_ABUSE_LIMIT,
      maxSubscriptions: env.GATEWAY_MAX_SUBSCRIPTIONS,
      databasePoolSize: env.GATEWAY_DATABASE_POOL_SIZE,
      readQueue: env.GATEWAY_READ_QUEUE,
    };
    this.files = {
      maxUploadBytes: env.MAX_UPLOAD_BYTES,
      mediaTypes: new Set(env.UPLOAD_MEDIA_TYPES.split(',').map((t) => t.toLowerCase())),
    };
    this.tasks = {
      maxWaitS: env.TASKS_MAX_WAIT_S,
      csvPostgresParser: env.CSV_IMPORT_POSTGRES_PARSER,
    };
    this.jobs = {
      leaseMs: env.JOBS_LEASE_MS,
      pollIntervalMs: env.JOBS_POLL_INTERVAL_MS,
      reaperIntervalMs: env.JOBS_REAPER_INTERVAL_MS,
      defaultMaxAttempts: env.JOBS_DEFAULT_MAX_ATTEMPTS,
      defaultTimeoutMs: env.JOBS_DEFAULT_TIMEOUT_MS,
      backoffBaseMs: env.JOBS_BACKOFF_BASE_MS,
      backoffMaxMs: env.JOBS_BACKOFF_MAX_MS,
      groupMaxRunning: env.JOBS_GROUP_MAX_RUNNING,
      retentionMs: env.JOBS_RETENTION_HOURS * 3_600_000,
      retentionCron: env.JOBS_RETENTION_CRON,
    };
    this.worker = {
      concurrency: env.WORKER_CONCURRENCY,
      prefetch: env.WORKER_PREFETCH,
      claimsSynchronousCommit: env.WORKER_CLAIMS_SYNCHRONOUS_COMMIT,
      queues: env.WORKER_QUEUES.split(',').filter(Boolean),
      queueConcurrency: new Map(
        env.WORKER_QUEUE_CONCURRENCY.split(',')
          .filter(Boolean)
          .map((pair) => {
            const [queue = '', limit = '0'] = pair.split('=');
            return [queue, Math.max(1, Number(limit))];
          }),
      ),
    };
    this.workers = {
      heartbeatMs: env.WORKERS_HEARTBEAT_MS,
      goneAfterMs: env.WORKERS_GONE_AFTER_MS,
    };
    this.remoteWorkers = {
      leaseMs: env.REMOTE_WORKERS_LEASE_MS,
      maxWaitS: env.REMOTE_WORKERS_MAX_WAIT_S,
    };
  }

  get runsApi(): boolean {
    return this.role !== 'worker';
  }

  get runsWorker(): boolean {
    return this.role !== 'api';
  }

  /** A copy that points at another database (the embedded server's URL once it is known). */
  withDatabaseUrl(url: string): AppConfig {
    const copy = Object.create(AppConfig.prototype) as AppConfig;
    return Object.assign(copy, this, { database: { ...this.database, url } });
  }
}
