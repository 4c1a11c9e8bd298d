var __decorate = (this && this.__decorate) || function (decorators, target, key, desc) {
    var c = arguments.length, r = c < 3 ? target : desc === null ? desc = Object.getOwnPropertyDescriptor(target, key) : desc, d;
    if (typeof Reflect === "object" && typeof Reflect.decorate === "function") r = Reflect.decorate(decorators, target, key, desc);
    else for (var i = decorators.length - 1; i >= 0; i--) if (d = decorators[i]) r = (c < 3 ? d(r) : c > 3 ? d(target, key, r) : d(target, key)) || r;
    return c > 3 && r && Object.defineProperty(target, key, r), r;
};
var __metadata = (this && this.__metadata) || function (k, v) {
    if (typeof Reflect === "object" && typeof Reflect.metadata === "function") return Reflect.metadata(k, v);
};
import 'reflect-metadata';
import { Transform } from 'class-transformer';
import { IsBoolean, IsIn, IsInt, IsOptional, IsString, Matches, Max, Min } from 'class-validator';
export const ROLES = ['all', 'api', 'worker'];
export const LOG_LEVELS = ['fatal', 'error', 'warn', 'info', 'debug', 'trace', 'silent'];
const toBoolean = ({ obj, key }) => {
    const value = obj[key];
    if (typeof value !== 'string')
        return value;
    const normalized = value.trim().toLowerCase();
    if (['true', '1', 'yes', 'on'].includes(normalized))
        return true;
    if (['false', '0', 'no', 'off'].includes(normalized))
        return false;
    return value;
};
export class Environment {
    PORT = 3000;
    HOST = '0.0.0.0';
    ROLE = 'all';
    DATABASE_URL;
    DATABASE_POOL_SIZE = 10;
    DATABASE_CONNECT_TIMEOUT_MS = 5000;
    MIGRATIONS_RUN = true;
    DATA_DIR = './.data';
    LOG_LEVEL = 'info';
    SHUTDOWN_GRACE_MS = 10000;
    HEALTH_MIN_FREE_DISK_MB = 256;
    HEALTH_MAX_HEAP_MB = 1024;
    HEALTH_CHECK_TIMEOUT_MS = 2000;
    DOCS_ENABLED = true;
    ADMIN_API_ENABLED = false;
    WORKER_CONCURRENCY = 10;
    WORKER_PREFETCH = 10;
    WORKER_QUEUES = '';
    JOBS_LEASE_MS = 30000;
    JOBS_POLL_INTERVAL_MS = 1000;
    JOBS_REAPER_INTERVAL_MS = 1000;
    JOBS_DEFAULT_MAX_ATTEMPTS = 5;
    JOBS_DEFAULT_TIMEOUT_MS = 300000;
    JOBS_BACKOFF_BASE_MS = 1000;
    JOBS_BACKOFF_MAX_MS = 3600000;
    JOBS_GROUP_MAX_RUNNING = 5;
    JOBS_RETENTION_HOURS = 168;
    JOBS_RETENTION_CRON = '17 * * * *';
}
__decorate([
    IsInt(),
    Min(0),
    Max(65535),
    __metadata("design:type", Number)
], Environment.prototype, "PORT", void 0);
__decorate([
    IsString(),
    __metadata("design:type", String)
], Environment.prototype, "HOST", void 0);
__decorate([
    IsIn(ROLES),
    __metadata("design:type", String)
], Environment.prototype, "ROLE", void 0);
__decorate([
    IsOptional(),
    Matches(/^postgres(ql)?:\/\/\S+$/, { message: 'must be a postgres:// or postgresql:// URL' }),
    __metadata("design:type", String)
], Environment.prototype, "DATABASE_URL", void 0);
__decorate([
    IsInt(),
    Min(1),
    Max(1000),
    __metadata("design:type", Number)
], Environment.prototype, "DATABASE_POOL_SIZE", void 0);
__decorate([
    IsInt(),
    Min(100),
    __metadata("design:type", Number)
], Environment.prototype, "DATABASE_CONNECT_TIMEOUT_MS", void 0);
__decorate([
    Transform(toBoolean),
    IsBoolean(),
    __metadata("design:type", Boolean)
], Environment.prototype, "MIGRATIONS_RUN", void 0);
__decorate([
    IsString(),
    __metadata("design:type", String)
], Environment.prototype, "DATA_DIR", void 0);
__decorate([
    IsIn(LOG_LEVELS),
    __metadata("design:type", String)
], Environment.prototype, "LOG_LEVEL", void 0);
__decorate([
    IsInt(),
    Min(0),
    __metadata("design:type", Number)
], Environment.prototype, "SHUTDOWN_GRACE_MS", void 0);
__decorate([
    IsInt(),
    Min(0),
    __metadata("design:type", Number)
], Environment.prototype, "HEALTH_MIN_FREE_DISK_MB", void 0);
__decorate([
    IsInt(),
    Min(16),
    __metadata("design:type", Number)
], Environment.prototype, "HEALTH_MAX_HEAP_MB", void 0);
__decorate([
    IsInt(),
    Min(100),
    __metadata("design:type", Number)
], Environment.prototype, "HEALTH_CHECK_TIMEOUT_MS", void 0);
__decorate([
    Transform(toBoolean),
    IsBoolean(),
    __metadata("design:type", Boolean)
], Environment.prototype, "DOCS_ENABLED", void 0);
__decorate([
    Transform(toBoolean),
    IsBoolean(),
    __metadata("design:type", Boolean)
], Environment.prototype, "ADMIN_API_ENABLED", void 0);
__decorate([
    IsInt(),
    Min(1),
    Max(10000),
    __metadata("design:type", Number)
], Environment.prototype, "WORKER_CONCURRENCY", void 0);
__decorate([
    IsInt(),
    Min(0),
    Max(10000),
    __metadata("design:type", Number)
], Environment.prototype, "WORKER_PREFETCH", void 0);
__decorate([
    Matches(/^$|^[\w.:-]+(,[\w.:-]+)*$/, {
        message: 'must be a comma-separated list of queue names',
    }),
    __metadata("design:type", String)
], Environment.prototype, "WORKER_QUEUES", void 0);
__decorate([
    IsInt(),
    Min(500),
    __metadata("design:type", Number)
], Environment.prototype, "JOBS_LEASE_MS", void 0);
__decorate([
    IsInt(),
    Min(10),
    __metadata("design:type", Number)
], Environment.prototype, "JOBS_POLL_INTERVAL_MS", void 0);
__decorate([
    IsInt(),
    Min(10),
    __metadata("design:type", Number)
], Environment.prototype, "JOBS_REAPER_INTERVAL_MS", void 0);
__decorate([
    IsInt(),
    Min(1),
    __metadata("design:type", Number)
], Environment.prototype, "JOBS_DEFAULT_MAX_ATTEMPTS", void 0);
__decorate([
    IsInt(),
    Min(1),
    __metadata("design:type", Number)
], Environment.prototype, "JOBS_DEFAULT_TIMEOUT_MS", void 0);
__decorate([
    IsInt(),
    Min(1),
    __metadata("design:type", Number)
], Environment.prototype, "JOBS_BACKOFF_BASE_MS", void 0);
__decorate([
    IsInt(),
    Min(1),
    __metadata("design:type", Number)
], Environment.prototype, "JOBS_BACKOFF_MAX_MS", void 0);
__decorate([
    IsInt(),
    Min(1),
    __metadata("design:type", Number)
], Environment.prototype, "JOBS_GROUP_MAX_RUNNING", void 0);
__decorate([
    IsInt(),
    Min(1),
    __metadata("design:type", Number)
], Environment.prototype, "JOBS_RETENTION_HOURS", void 0);
__decorate([
    IsString(),
    __metadata("design:type", String)
], Environment.prototype, "JOBS_RETENTION_CRON", void 0);
//# sourceMappingURL=environment.js.map