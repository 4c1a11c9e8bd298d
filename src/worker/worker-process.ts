import type { Role } from '../config/environment.js';

export const WORKER_STATUSES = ['alive', 'gone'] as const;
export type WorkerStatus = (typeof WORKER_STATUSES)[number];

/** What a registry row stands for: a Taskyard process running the worker, or a remote worker. */
export const WORKER_KINDS = ['process', 'remote'] as const;
export type WorkerKind = (typeof WORKER_KINDS)[number];

/** The roles that run a worker. */
export type WorkerRole = Exclude<Role, 'api'>;

/** A worker process as the registry knows it (GET /api/v1/admin/workers). */
export interface WorkerProcess {
  /** The worker's id: the `leaseOwner` of the jobs it claims. */
  id: string;
  kind: WorkerKind;
  /** `gone` once it stopped cleanly, or once it has not been heard from for WORKERS_GONE_AFTER_MS. */
  status: WorkerStatus;
  /** Its ROLE; `remote` for a remote worker. */
  role: WorkerRole | 'remote';
  host: string;
  pid: number;
  /** Taskyard's version (package.json) in that process. */
  version: string;
  startedAt: Date;
  /** Jobs it runs at once (WORKER_CONCURRENCY). */
  concurrency: number;
  /** Jobs it was running at its last heartbeat. */
  inFlight: number;
  /** The job types it has handlers for (`task:<type>` for each task type). */
  types: string[];
  /** The queues it takes jobs from; empty: every queue. */
  queues: string[];
  lastSeenAt: Date;
  /** When it stopped cleanly, or when its silence passed WORKERS_GONE_AFTER_MS; null while alive. */
  goneAt: Date | null;
  /** A remote worker's tenant; null for a process. */
  tenant: string | null;
}
