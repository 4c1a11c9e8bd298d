import 'reflect-metadata';
import { Transform } from 'class-transformer';
import {
  IsBoolean,
  IsIn,
  IsInt,
  IsOptional,
  IsString,
  Length,
  Matches,
  Max,
  Min,
  ValidateBy,
  ValidateIf,
} from 'class-validator';

export const ROLES = ['all', 'api', 'worker'] as const;
export type Role = (typeof ROLES)[number];
/** PostgreSQL's synchronous_commit values, for a worker's claims and lease renewals. */
const CLAIMS_SYNCHRONOUS_COMMIT = ['off', 'local', 'remote_write', 'on', 'remote_apply'] as const;
type ClaimsSynchronousCommit = (typeof CLAIMS_SYNCHRONOUS_COMMIT)[number];

export const LOG_LEVELS = ['fatal', 'error', 'warn', 'info', 'debug', 'trace', 'silent'] as const;
export type LogLevel = (typeof LOG_LEVELS)[number];

export const RATE_LIMIT_STORES = ['postgres', 'memory'] as const;
export type RateLimitStore = (typeof RATE_LIMIT_STORES)[number];

export const TRACES_EXPORTERS = ['otlp', 'none'] as const;
export type TracesExporter = (typeof TRACES_EXPORTERS)[number];

export const STORAGE_KINDS = ['local', 's3'] as const;
export type StorageKind = (typeof STORAGE_KINDS)[number];

/** `transaction`: DATABASE_URL leads to a transaction pooler (PgBouncer's pool_mode=transaction). */
export const POOLERS = ['none', 'transaction'] as const;
export type Pooler = (typeof POOLERS)[number];

/** A schema name that needs no quoting: lower case, at most PostgreSQL's 63 bytes. */
export const SCHEMA_NAME = /^[a-z_][a-z0-9_]{0,62}$/;

/** Reads the raw string: implicit conversion would already have made "false" true. */
const toBoolean = ({ obj, key }: { obj: Record<string, unknown>; key: string }): unknown => {
  const value = obj[key];
  if (typeof value !== 'string') return value;
  const normalized = value.trim().toLowerCase();
  if (['true', '1', 'yes', 'on'].includes(normalized)) return true;
  if (['false', '0', 'no', 'off'].includes(normalized)) return false;
  return value;
};

/** Holds unless the settings are in a combination `allowed` refuses; the message says why. */
const AllowedWith = (
  allowed: (settings: Environment) => boolean,
  message: string,
): PropertyDecorator =>
  ValidateBy({
    name: 'allowedWith',
    validator: {
      validate: (_value: unknown, args) => allowed(args?.object as Environment),
      defaultMessage: () => `$property ${message}`,
    },
  });

/** A duration that must be at least twice another setting's: one late heartbeat is no death. */
const AtLeastTwice = (other: keyof Environment): PropertyDecorator =>
  ValidateBy({
    name: 'atLeastTwice',
    constraints: [other],
    validator: {
      validate: (value: unknown, args) => {
        const settings = (args?.object ?? {}) as Record<string, unknown>;
        return typeof value === 'number' && value >= 2 * Number(settings[other]);
      },
      defaultMessage: () => `$property must be at least twice ${other}`,
    },
  });

/** S3's CopyObject, which moves an upload to its name in a bucket, copies at most 5 GiB. */
export const S3_MAX_OBJECT_BYTES = 5 * 1024 ** 3;

const WithinS3CopyLimit = (): PropertyDecorator =>
  ValidateBy({
    name: 'withinS3CopyLimit',
    validator: {
      validate: (value: unknown, args) =>
        (args?.object as Environment | undefined)?.STORAGE !== 's3' ||
        (typeof value === 'number' && value <= S3_MAX_OBJECT_BYTES),
      defaultMessage: () =>
        `$property must be at most ${S3_MAX_OBJECT_BYTES} (5 GiB, S3's CopyObject limit) with STORAGE=s3`,
    },
  });

/**
 * The process environment as Taskyard reads it. Types are spelled out because the conversion from
 * strings reads them from decorator metadata. Each property is one variable; its
 * initializer is the default. `.env.example` lists the same variables with the same defaults.
 */
export class Environment {
  @IsInt()
  @Min(0)
  @Max(65535)
  PORT: number = 3000;

  @IsString()
  HOST: string = '0.0.0.0';

  @IsIn(ROLES)
  ROLE: Role = 'all';

  @IsOptional()
  @Matches(/^postgres(ql)?:\/\/\S+$/, { message: 'must be a postgres:// or postgresql:// URL' })
  DATABASE_URL?: string;

  @IsInt()
  @Min(1)
  @Max(1000)
  DATABASE_POOL_SIZE: number = 10;

  @IsInt()
  @Min(100)
  DATABASE_CONNECT_TIMEOUT_MS: number = 5000;

  /** A direct connection for LISTEN and migrations; `none`: poll only. */
  @IsOptional()
  @Matches(/^none$|^postgres(ql)?:\/\/\S+$/, {
    message: 'must be a postgres:// or postgresql:// URL, or none',
  })
  @AllowedWith((env) => Boolean(env.DATABASE_URL), 'needs DATABASE_URL')
  DATABASE_LISTEN_URL?: string;

  @IsIn(POOLERS)
  @AllowedWith(
    (env) => env.DATABASE_POOLER === 'none' || Boolean(env.DATABASE_LISTEN_URL),
    'transaction needs DATABASE_LISTEN_URL (a direct URL, or none): LISTEN cannot go through it',
  )
  DATABASE_POOLER: Pooler = 'none';

  @Transform(toBoolean)
  @IsBoolean()
  DATABASE_PREPARED_STATEMENTS: boolean = true;

  @Transform(toBoolean)
  @IsBoolean()
  @AllowedWith(
    (env) =>
      !env.MIGRATIONS_RUN || env.DATABASE_POOLER === 'none' || env.DATABASE_LISTEN_URL !== 'none',
    'needs a direct connection (migrations hold a session lock): with DATABASE_POOLER=transaction and DATABASE_LISTEN_URL=none, set it to false and run npm run migration:run against PostgreSQL itself',
  )
  MIGRATIONS_RUN: boolean = true;

  @Matches(SCHEMA_NAME, {
    message: 'must be a lower-case PostgreSQL name (letters, digits, _; 63 at most)',
  })
  DATABASE_SCHEMA: string = 'taskyard';

  @IsString()
  DATA_DIR: string = './.data';

  @IsIn(STORAGE_KINDS)
  STORAGE: StorageKind = 'local';

  @IsOptional()
  @Matches(/^https?:\/\/\S+$/, { message: 'must be an http:// or https:// URL' })
  S3_ENDPOINT?: string;

  @IsString()
  S3_REGION: string = 'us-east-1';

  @ValidateIf((env: Environment) => env.STORAGE === 's3' || env.S3_BUCKET !== undefined)
  @Matches(/^[a-z0-9][a-z0-9.-]{1,61}[a-z0-9]$/, {
    message:
      'must be a bucket name (3-63 lower-case letters, digits, dots, hyphens) with STORAGE=s3',
  })
  S3_BUCKET?: string;

  /** Both keys or neither: without them the SDK finds credentials itself (role, profile). */
  @ValidateIf((env: Environment) => env.S3_SECRET_ACCESS_KEY !== undefined)
  @IsString({ message: 'must be set with S3_SECRET_ACCESS_KEY' })
  S3_ACCESS_KEY_ID?: string;

  @ValidateIf((env: Environment) => env.S3_ACCESS_KEY_ID !== undefined)
  @IsString({ message: 'must be set with S3_ACCESS_KEY_ID' })
  S3_SECRET_ACCESS_KEY?: string;

  @Transform(toBoolean)
  @IsBoolean()
  S3_FORCE_PATH_STYLE: boolean = false;

  @IsIn(LOG_LEVELS)
  LOG_LEVEL: LogLevel = 'info';

  /** OpenTelemetry's own variables (src/tracing): traces are off unless one of the first two is set. */
  @IsOptional()
  @IsIn(TRACES_EXPORTERS)
  OTEL_TRACES_EXPORTER?: TracesExporter;

  @IsOptional()
  @Matches(/^https?:\/\/\S+$/, { message: 'must be an http:// or https:// URL' })
  OTEL_EXPORTER_OTLP_ENDPOINT?: string;

  @IsString()
  OTEL_SERVICE_NAME: string = 'taskyard';

  @IsInt()
  @Min(0)
  SHUTDOWN_GRACE_MS: number = 10000;

  @IsInt()
  @Min(0)
  HEALTH_MIN_FREE_DISK_MB: number = 256;

  @IsInt()
  @Min(16)
  HEALTH_MAX_HEAP_MB: number = 1024;

  @IsInt()
  @Min(100)
  HEALTH_CHECK_TIMEOUT_MS: number = 2000;

  @IsInt()
  @Min(0)
  @Max(2147483647)
  HEALTH_QUEUE_MAX_WAIT_MS: number = 300000;

  @IsInt()
  @Min(0)
  HEALTH_QUEUE_MAX_STUCK: number = 0;

  @IsInt()
  @Min(0)
  HEALTH_QUEUE_MIN_WORKERS: number = 1;

  @IsInt()
  @Min(0)
  HEALTH_QUEUE_MAX_STALE_WORKERS: number = 0;

  @IsInt()
  @Min(0)
  @Max(2147483647)
  HEALTH_QUEUE_STALE_WORKER_WINDOW_MS: number = 3600000;

  @Transform(toBoolean)
  @IsBoolean()
  DOCS_ENABLED: boolean = true;

  @IsOptional()
  @IsString()
  @Length(20, 200)
  ADMIN_API_KEY?: string;

  @Matches(/^$|^\*$|^https?:\/\/[^\s,]+(,https?:\/\/[^\s,]+)*$/, {
    message: 'must be empty, * or a comma-separated list of http(s) origins',
  })
  CORS_ORIGINS: string = '';

  @IsInt()
  @Min(0)
  RATE_LIMIT_PER_MINUTE: number = 6000;

  @IsIn(RATE_LIMIT_STORES)
  RATE_LIMIT_STORE: RateLimitStore = 'postgres';

  @IsInt()
  @Min(0)
  AUTH_FAILURES_PER_MINUTE: number = 30;

  @IsInt()
  @Min(100)
  HTTP_HEADERS_TIMEOUT_MS: number = 20000;

  @IsInt()
  @Min(0)
  HTTP_REQUEST_TIMEOUT_MS: number = 3600000;

  @IsInt()
  @Min(100)
  HTTP_IDLE_TIMEOUT_MS: number = 30000;

  @IsInt()
  @Min(100)
  HTTP_KEEP_ALIVE_TIMEOUT_MS: number = 5000;

  @IsInt()
  @Min(0)
  HTTP_MAX_CONNECTIONS: number = 10000;

  @Transform(toBoolean)
  @IsBoolean()
  METRICS_REQUIRE_KEY: boolean = false;

  @IsInt()
  @Min(1)
  GATEWAY_MESSAGES_PER_SECOND: number = 20;

  @IsInt()
  @Min(1)
  GATEWAY_MESSAGE_BURST: number = 40;

  @IsInt()
  @Min(1)
  GATEWAY_ABUSE_LIMIT: number = 100;

  @IsInt()
  @Min(1)
  GATEWAY_MAX_SUBSCRIPTIONS: number = 100;

  @IsInt()
  @Min(1)
  @Max(100)
  GATEWAY_DATABASE_POOL_SIZE: number = 3;

  @IsInt()
  @Min(1)
  GATEWAY_READ_QUEUE: number = 200;

  @IsInt()
  @Min(1)
  @WithinS3CopyLimit()
  MAX_UPLOAD_BYTES: number = 1073741824;

  @Matches(/^[\w.+-]+\/[\w.+-]+(,[\w.+-]+\/[\w.+-]+)*$/, {
    message: 'must be a comma-separated list of media types, e.g. text/csv,text/plain',
  })
  UPLOAD_MEDIA_TYPES: string =
    'text/csv,text/tab-separated-values,text/plain,text/markdown,application/json,application/x-ndjson,application/vnd.ms-excel,application/octet-stream';

  @IsInt()
  @Min(1)
  @Max(300)
  TASKS_MAX_WAIT_S: number = 60;

  @Transform(toBoolean)
  @IsBoolean()
  CSV_IMPORT_POSTGRES_PARSER: boolean = true;

  @IsInt()
  @Min(0)
  TASKS_TENANT_MAX_RUNNING: number = 0;

  @IsInt()
  @Min(0)
  TASKS_TENANT_MAX_QUEUED: number = 0;

  @IsInt()
  @Min(0)
  FILES_TENANT_MAX_BYTES: number = 0;

  @IsInt()
  @Min(0)
  TASKS_RETENTION_HOURS: number = 720;

  @IsInt()
  @Min(1)
  SCHEDULES_MIN_INTERVAL_S: number = 60;

  @IsInt()
  @Min(50)
  SCHEDULES_POLL_MS: number = 1000;

  @IsInt()
  @Min(0)
  FILES_RETENTION_HOURS: number = 720;

  @IsInt()
  @Min(1)
  @Max(100)
  WEBHOOKS_MAX_ATTEMPTS: number = 8;

  @IsInt()
  @Min(100)
  @Max(120000)
  WEBHOOKS_TIMEOUT_MS: number = 10000;

  @Transform(toBoolean)
  @IsBoolean()
  WEBHOOKS_ALLOW_PRIVATE: boolean = false;

  @IsInt()
  @Min(1)
  @Max(1000)
  WEBHOOKS_BREAKER_FAILURES: number = 5;

  @IsInt()
  @Min(100)
  @Max(86400000)
  WEBHOOKS_BREAKER_HALF_OPEN_MS: number = 30000;

  @IsInt()
  @Min(1)
  @Max(10000)
  WORKER_CONCURRENCY: number = 10;

  @IsInt()
  @Min(0)
  @Max(10000)
  WORKER_PREFETCH: number = 10;

  @IsIn(CLAIMS_SYNCHRONOUS_COMMIT)
  WORKER_CLAIMS_SYNCHRONOUS_COMMIT: ClaimsSynchronousCommit = 'off';

  @Matches(/^$|^[\w.:-]+(,[\w.:-]+)*$/, {
    message: 'must be a comma-separated list of queue names',
  })
  WORKER_QUEUES: string = '';

  @Matches(/^$|^[\w.:-]+=\d+(,[\w.:-]+=\d+)*$/, {
    message: 'must be a comma-separated list of queue=limit pairs, e.g. mail=2,reports=1',
  })
  WORKER_QUEUE_CONCURRENCY: string = '';

  @IsInt()
  @Min(50)
  @Max(2147483647)
  WORKERS_HEARTBEAT_MS: number = 10000;

  @IsInt()
  @Max(2147483647)
  @AtLeastTwice('WORKERS_HEARTBEAT_MS')
  WORKERS_GONE_AFTER_MS: number = 60000;

  /** How long a remote worker's claim lasts; each heartbeat extends it by as much. */
  @IsInt()
  @Min(500)
  @Max(2147483647)
  REMOTE_WORKERS_LEASE_MS: number = 30000;

  /** The longest `Prefer: wait=N` a remote worker's claim waits, in seconds. */
  @IsInt()
  @Min(0)
  @Max(600)
  REMOTE_WORKERS_MAX_WAIT_S: number = 60;

  @IsInt()
  @Min(500)
  JOBS_LEASE_MS: number = 30000;

  @IsInt()
  @Min(10)
  JOBS_POLL_INTERVAL_MS: number = 1000;

  @IsInt()
  @Min(10)
  JOBS_REAPER_INTERVAL_MS: number = 1000;

  @IsInt()
  @Min(1)
  JOBS_DEFAULT_MAX_ATTEMPTS: number = 5;

  @IsInt()
  @Min(1)
  @Max(2147483647)
  JOBS_DEFAULT_TIMEOUT_MS: number = 300000;

  @IsInt()
  @Min(1)
  JOBS_BACKOFF_BASE_MS: number = 1000;

  @IsInt()
  @Min(1)
  @Max(2147483647)
  JOBS_BACKOFF_MAX_MS: number = 3600000;

  @IsInt()
  @Min(1)
  JOBS_GROUP_MAX_RUNNING: number = 5;

  @IsInt()
  @Min(1)
  JOBS_RETENTION_HOURS: number = 168;

  @IsString()
  JOBS_RETENTION_CRON: string = '17 * * * *';
}
