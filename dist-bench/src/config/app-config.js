import path from 'node:path';
export class AppConfig {
    port;
    host;
    role;
    dataDir;
    logLevel;
    shutdownGraceMs;
    docsEnabled;
    database;
    health;
    adminApiEnabled;
    jobs;
    worker;
    constructor(env) {
        this.port = env.PORT;
        this.host = env.HOST;
        this.role = env.ROLE;
        this.dataDir = path.resolve(env.DATA_DIR);
        this.logLevel = env.LOG_LEVEL;
        this.shutdownGraceMs = env.SHUTDOWN_GRACE_MS;
        this.docsEnabled = env.DOCS_ENABLED;
        this.database = {
            url: env.DATABASE_URL,
            poolSize: env.DATABASE_POOL_SIZE,
            connectTimeoutMs: env.DATABASE_CONNECT_TIMEOUT_MS,
            runMigrations: env.MIGRATIONS_RUN,
        };
        this.health = {
            minFreeDiskBytes: env.HEALTH_MIN_FREE_DISK_MB * 1024 * 1024,
            maxHeapBytes: env.HEALTH_MAX_HEAP_MB * 1024 * 1024,
            checkTimeoutMs: env.HEALTH_CHECK_TIMEOUT_MS,
        };
        this.adminApiEnabled = env.ADMIN_API_ENABLED;
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
            queues: env.WORKER_QUEUES.split(',').filter(Boolean),
        };
    }
    get runsApi() {
        return this.role !== 'worker';
    }
    get runsWorker() {
        return this.role !== 'api';
    }
    withDatabaseUrl(url) {
        const copy = Object.create(AppConfig.prototype);
        return Object.assign(copy, this, { database: { ...this.database, url } });
    }
}
//# sourceMappingURL=app-config.js.map