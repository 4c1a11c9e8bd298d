import { Injectable } from '@nestjs/common';
import { AppConfig } from '../config/app-config.js';
import { Database } from '../database/database.js';
import type { WorkerProcess, WorkerStatus } from './worker-process.js';
import { listWorkers, type WorkerProcessRow } from './worker-processes.sql.js';

/** Reads the registry of worker processes; alive or gone by this process's WORKERS_GONE_AFTER_MS. */
@Injectable()
export class WorkersAdminService {
  constructor(
    private readonly database: Database,
    private readonly config: AppConfig,
  ) {}

  async list(status?: WorkerStatus): Promise<WorkerProcess[]> {
    const rows = await listWorkers(this.database.pool, this.config.workers.goneAfterMs, status);
    return rows.map(toView);
  }
}

function toView(row: WorkerProcessRow): WorkerProcess {
  return {
    id: row.id,
    kind: row.kind,
    status: row.gone_at ? 'gone' : 'alive',
    role: row.role,
    host: row.host,
    pid: row.pid,
    version: row.version,
    startedAt: row.started_at,
    concurrency: row.concurrency,
    inFlight: row.in_flight,
    types: row.types,
    queues: row.queues,
    lastSeenAt: row.last_seen_at,
    goneAt: row.gone_at,
    tenant: row.tenant,
  };
}
