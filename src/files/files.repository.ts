import { Injectable } from '@nestjs/common';
import { In, type Repository } from 'typeorm';
import { Database } from '../database/database.js';
import type { Db } from '../database/db.js';
import { entityColumns } from '../database/entity-columns.js';
import { FileEntity } from './file.entity.js';

export interface NewFile {
  tenant: string;
  sha256: string;
  size: number;
  mediaType: string;
  name: string | null;
  taskId?: string;
  artifactName?: string;
}

/**
 * The queries of the files table. Reads go through TypeORM; writes run in the transaction that
 * holds the blob's advisory lock (FilesService.storeWith), a pg transaction TypeORM cannot join,
 * so they are hand-written.
 */
@Injectable()
export class FilesRepository {
  private readonly files: Repository<FileEntity>;
  /** The files' columns for hand-written SQL that returns whole rows. */
  private readonly columns: string;

  constructor(private readonly database: Database) {
    this.files = database.repository(FileEntity);
    this.columns = entityColumns(this.files.metadata);
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
  async insert(tx: Db, file: NewFile): Promise<{ row: FileEntity; replaced?: string }> {
    const previous = file.taskId
      ? await tx.query<{ sha256: string }>(
          `DELETE FROM files WHERE task_id = $1 AND artifact_name = $2 RETURNING sha256`,
          [file.taskId, file.artifactName],
        )
      : undefined;
    const { rows } = await tx.query<FileEntity>(
      `INSERT INTO files (tenant, sha256, size, media_type, name, task_id, artifact_name)
       VALUES ($1, $2, $3, $4, $5, $6, $7) RETURNING ${this.columns}`,
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

  async find(id: string, tenant: string | undefined): Promise<FileEntity | undefined> {
    return (
      (await this.files.findOneBy(tenant === undefined ? { id } : { id, tenant })) ?? undefined
    );
  }

  async findArtifact(taskId: string, name: string): Promise<FileEntity | undefined> {
    return (await this.files.findOneBy({ taskId, artifactName: name })) ?? undefined;
  }

  async listArtifacts(taskId: string): Promise<FileEntity[]> {
    return this.files.find({ where: { taskId }, order: { artifactName: 'ASC' } });
  }

  /** The blob hashes of the tasks' artifacts. */
  async artifactBlobs(taskIds: string[]): Promise<string[]> {
    const rows = await this.files.find({
      select: { sha256: true },
      where: { taskId: In(taskIds) },
    });
    return rows.map((row) => row.sha256);
  }

  /** Undefined when no row matched; throws a foreign-key violation when a task still uses it. */
  async delete(tx: Db, id: string, tenant: string | undefined): Promise<FileEntity | undefined> {
    const { rows } = await tx.query<FileEntity>(
      `DELETE FROM files WHERE id = $1 AND ($2::text IS NULL OR tenant = $2) RETURNING ${this.columns}`,
      [id, tenant ?? null],
    );
    return rows[0];
  }

  /**
   * Deletes an upload unless a task or schedule takes it as input, checked in the statement itself (a task may
   * have been created since the caller read it). The blob's hash; undefined when nothing went.
   */
  async deleteUnused(id: string): Promise<string | undefined> {
    const { rows } = await this.database.query<{ sha256: string }>(
      `DELETE FROM files f WHERE f.id = $1 AND f.task_id IS NULL
         AND NOT EXISTS (SELECT 1 FROM tasks t WHERE t.input_file_id = f.id)
         AND NOT EXISTS (SELECT 1 FROM task_schedules s WHERE s.input_file_id = f.id)
       RETURNING f.sha256`,
      [id],
    );
    return rows[0]?.sha256;
  }

  async isReferenced(tx: Db, sha256: string): Promise<boolean> {
    const { rows } = await tx.query<{ used: boolean }>(
      `SELECT EXISTS (SELECT 1 FROM files WHERE sha256 = $1) AS used`,
      [sha256],
    );
    return rows[0].used;
  }
}
