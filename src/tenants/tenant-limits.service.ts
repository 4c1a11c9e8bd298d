import { Injectable } from '@nestjs/common';
import { AppConfig } from '../config/app-config.js';
import type { Db } from '../database/db.js';
import { ProblemException } from '../http/problem.js';
import { JobsService } from '../jobs/jobs.service.js';
import { type TenantLimitOverrides, TenantLimitsRepository } from './tenant-limits.repository.js';

/** A tenant's limits in force: its overrides over the settings. 0: no limit. */
export interface TenantLimits {
  maxRunningTasks: number;
  maxQueuedTasks: number;
  maxStoredBytes: number;
  /** Hours a finished task is kept; 0: kept. */
  taskRetentionHours: number;
  /** Hours an upload no task refers to is kept; 0: kept. */
  fileRetentionHours: number;
}

export interface TenantLimitsView extends TenantLimits {
  tenant: string;
  overrides: TenantLimitOverrides;
  usage: { queuedTasks: number; storedBytes: number };
}

/** How long a tenant's overrides are reused: another node's change applies within this time. */
const CACHE_MS = 5_000;
const CACHE_MAX_ENTRIES = 10_000;

/** The queue group of a tenant's task jobs: the queue caps its running jobs cluster-wide. */
export function tenantGroupKey(tenant: string): string {
  return `tenant:${tenant}`;
}

/**
 * Per-tenant limits: running tasks (enforced by the queue's group cap), queued tasks and stored
 * bytes (checked here when a task is created or a file uploaded).
 */
@Injectable()
export class TenantLimitsService {
  private readonly cache = new Map<string, { overrides: TenantLimitOverrides; until: number }>();
  /** The running cap this process last wrote for each tenant's group. */
  private readonly groupCaps = new Map<string, number>();

  constructor(
    private readonly repository: TenantLimitsRepository,
    private readonly jobs: JobsService,
    private readonly config: AppConfig,
  ) {}

  async limitsOf(tenant: string): Promise<TenantLimits> {
    return this.resolve(await this.overridesOf(tenant));
  }

  async view(tenant: string): Promise<TenantLimitsView> {
    const overrides = await this.repository.find(tenant);
    const [queuedTasks, storedBytes] = await Promise.all([
      this.repository.queuedTasks(tenant, null),
      this.repository.storedBytes(tenant),
    ]);
    return {
      tenant,
      ...this.resolve(overrides),
      overrides,
      usage: { queuedTasks, storedBytes },
    };
  }

  /** Replaces the tenant's overrides; its running cap changes at once on every worker. */
  async set(tenant: string, overrides: TenantLimitOverrides): Promise<TenantLimitsView> {
    const saved = await this.repository.save(tenant, overrides);
    this.remember(tenant, saved);
    const { maxRunningTasks } = this.resolve(saved);
    if (maxRunningTasks > 0) await this.writeGroupCap(tenant, maxRunningTasks);
    return this.view(tenant);
  }

  /**
   * The queue group of the tenant's next task jobs, with its running cap written on the group
   * first; undefined when the tenant has no cap (its jobs then skip the group machinery).
   */
  async runningGroup(tenant: string): Promise<string | undefined> {
    const { maxRunningTasks } = await this.limitsOf(tenant);
    if (maxRunningTasks === 0) return undefined;
    if (this.groupCaps.get(tenant) !== maxRunningTasks) {
      await this.writeGroupCap(tenant, maxRunningTasks);
    }
    return tenantGroupKey(tenant);
  }

  /** 429 when the tenant has as many queued tasks as it may. */
  async checkQueuedTasks(tenant: string): Promise<void> {
    const { maxQueuedTasks: max } = await this.limitsOf(tenant);
    if (max === 0 || (await this.repository.queuedTasks(tenant, max)) < max) return;
    throw new ProblemException({
      status: 429,
      slug: 'too-many-queued-tasks',
      title: 'Too Many Queued Tasks',
      detail: `Tenant ${tenant} has ${max} queued tasks, as many as it may; create more once some have started.`,
      extensions: { limit: max },
    });
  }

  /**
   * 413 when storing `size` more bytes would take the tenant past its limit. Runs in the upload's
   * transaction, which it serialises with the tenant's other uploads until it ends.
   */
  async checkStoredBytes(tx: Db, tenant: string, size: number): Promise<void> {
    const { maxStoredBytes: max } = await this.limitsOf(tenant);
    if (max === 0) return;
    const used = await this.repository.storedBytes(tenant, tx);
    if (used + size <= max) return;
    throw new ProblemException({
      status: 413,
      slug: 'storage-limit-exceeded',
      title: 'Storage Limit Exceeded',
      detail: `Tenant ${tenant} stores ${used} of its ${max} bytes; this file of ${size} bytes does not fit. Delete files or tasks to make room.`,
      extensions: { limit: max, used, size },
    });
  }

  private async overridesOf(tenant: string): Promise<TenantLimitOverrides> {
    const cached = this.cache.get(tenant);
    if (cached && cached.until > Date.now()) return cached.overrides;
    const overrides = await this.repository.find(tenant);
    this.remember(tenant, overrides);
    return overrides;
  }

  private remember(tenant: string, overrides: TenantLimitOverrides): void {
    if (this.cache.size >= CACHE_MAX_ENTRIES) this.cache.clear();
    this.cache.set(tenant, { overrides, until: Date.now() + CACHE_MS });
  }

  private async writeGroupCap(tenant: string, maxRunning: number): Promise<void> {
    await this.jobs.setGroupMaxRunning(tenantGroupKey(tenant), maxRunning);
    if (this.groupCaps.size >= CACHE_MAX_ENTRIES) this.groupCaps.clear();
    this.groupCaps.set(tenant, maxRunning);
  }

  private resolve(overrides: TenantLimitOverrides): TenantLimits {
    const defaults = this.config.tenants;
    return {
      maxRunningTasks: overrides.maxRunningTasks ?? defaults.maxRunningTasks,
      maxQueuedTasks: overrides.maxQueuedTasks ?? defaults.maxQueuedTasks,
      maxStoredBytes: overrides.maxStoredBytes ?? defaults.maxStoredBytes,
      taskRetentionHours: overrides.taskRetentionHours ?? defaults.taskRetentionHours,
      fileRetentionHours: overrides.fileRetentionHours ?? defaults.fileRetentionHours,
    };
  }
}
