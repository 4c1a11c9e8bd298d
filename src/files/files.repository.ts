import { Injectable } from '@nestjs/common';
import type { Pool } from 'pg';
import { Database } from '../database/database.js';
import { type Db } from '../database/db.js';

export interface FileRow {
  id: string;
  tenant: string;
  sha256: string;
  size: string;
  media_type: string;
  name: string | null;
  task_id: string | null;
  artifact_name: string | null;
  created_at: Date;
}

export interface NewFile {
  tenant: string;
  sha256: string;
  size: number;
  mediaType: string;
  name: string | null;
  taskId?: string;
  artifactName?: string;
}

/** The SQL of the files table. */
@Injectable()
export class FilesRepository {
  readonly pool: Pool;

  constructor(database: Database) {
    this.pool = database.pool;
  }

  /**
   * Serialises the writers of one blob until the transaction ends: an upload that stores a blob
   * and a delete that removes the last row referring to it never interleave.
   */
  async lockBlob(tx: Db, sha256: string): Promise<void> {
    await tx.query(`SELECT pg_advisory_xact_lock(hashtextextended('taskyard:blob:' || $1, 0))`, [
      sha256,
    ]);
  }

  /** An artifact replaces the one of the same name (a re-run writes its outputs again). */
  async insert(tx: Db, file: NewFile): Promise<{ row: FileRow; replaced?: string }> {
    const previous = file.taskId
      ? await tx.query<{ sha256: string }>(
          `DELETE FROM files WHERE task_id = $1 AND artifact_name = $2 RETURNING sha256`,
          [file.taskId, file.artifactName],
        )
      : undefined;
    const { rows } = await tx.query<FileRow>(
      `INSERT INTO files (tenant, sha256, size, media_type, name, task_id, artifact_name)
       VALUES ($1, $2, $3, $4, $5, $6, $7) RETURNING *`,
      [
        file.tenant,
        file.sha256,
        file.size,
        file.mediaType,
        file.name,
        file.taskId ?? null,
        file.artifactName ?? null,
      ],
    );
    return { row: rows[0], replaced: previous?.rows[0]?.sha256 };
  }

  async find(id: string, tenant: string | undefined): Promise<FileRow | undefined> {
    const { rows } = await this.pool.query<FileRow>(
      `SELECT * FROM files WHERE id = $1 AND ($2::text IS NULL OR tenant = $2)`,
      [id, tenant ?? null],
    );
    return rows[0];
  }

  async findArtifact(taskId: string, name: string): Promise<FileRow | undefined> {
    const { rows } = await this.pool.query<FileRow>(
      `SELECT * FROM files WHERE task_id = $1 AND artifact_name = $2`,
      [taskId, name],
    );
    return rows[0];
  }

  async listArtifacts(taskId: string): Promise<FileRow[]> {
    const { rows } = await this.pool.query<FileRow>(
      `SELECT * FROM files WHERE task_id = $1 ORDER BY artifact_name`,
      [taskId],
    );
    return rows;
  }

  /** Undefined when no row matched; throws a foreign-key violation when a task still uses it. */
  async delete(tx: Db, id: string, tenant: string | undefined): Promise<FileRow | undefined> {
    const { rows } = await tx.query<FileRow>(
      `DELETE FROM files WHERE id = $1 AND ($2::text IS NULL OR tenant = $2) RETURNING *`,
      [id, tenant ?? null],
    );
    return rows[0];
  }

  async isReferenced(tx: Db, sha256: string): Promise<boolean> {
    const { rows } = await tx.query<{ used: boolean }>(
      `SELECT EXISTS (SELECT 1 FROM files WHERE sha256 = $1) AS used`,
      [sha256],
    );
    return rows[0].used;
  }
}
