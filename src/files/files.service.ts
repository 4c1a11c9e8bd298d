import { Injectable } from '@nestjs/common';
import { ContextLogger, InjectLogger } from '../logging/logger.js';
import { Readable } from 'node:stream';
import { type Caller, tenantScope } from '../auth/api-key.js';
import { Database } from '../database/database.js';
import type { Db } from '../database/db.js';
import { ProblemException, uploadTooLarge } from '../http/problem.js';
import { TenantLimitsService } from '../tenants/tenant-limits.service.js';
import { BlobStorage, BlobTooLargeError, type ByteRange, type StagedBlob } from './blob-storage.js';
import type { FileEntity } from './file.entity.js';
import { FilesRepository } from './files.repository.js';

export interface FileMetadata {
  name: string | null;
  mediaType: string;
}

/** A file received with a request: its bytes staged in storage, not yet visible. */
export interface Upload extends FileMetadata {
  staged: StagedBlob;
}

/** Files and their blobs: rows per upload or artifact, one blob per distinct content. */
@Injectable()
export class FilesService {
  constructor(
    private readonly database: Database,
    private readonly files: FilesRepository,
    private readonly storage: BlobStorage,
    private readonly limits: TenantLimitsService,
    @InjectLogger('files') private readonly logger: ContextLogger,
  ) {}

  /** Stores an upload as a file of the caller's tenant. */
  async create(caller: Caller, upload: Upload): Promise<FileEntity> {
    try {
      return await this.database.transaction((tx) => this.addUpload(tx, caller.tenant, upload));
    } catch (error) {
      await this.dropUpload(upload.staged);
      throw error;
    }
  }

  /**
   * In the caller's transaction: the upload's row, within the tenant's stored-bytes limit, and its
   * blob made visible under the blob's lock, which the transaction holds until it ends. A caller
   * whose transaction fails calls dropUpload.
   */
  async addUpload(tx: Db, tenant: string, upload: Upload): Promise<FileEntity> {
    const { staged } = upload;
    await this.files.lockBlob(tx, staged.sha256);
    await this.limits.checkStoredBytes(tx, tenant, staged.size);
    const inserted = await this.files.insert(tx, {
      tenant,
      sha256: staged.sha256,
      size: staged.size,
      mediaType: upload.mediaType,
      name: upload.name,
    });
    await staged.commit();
    return inserted.row;
  }

  /** After a failed transaction: the staged bytes go, and the blob unless a row refers to it. */
  async dropUpload(staged: StagedBlob): Promise<void> {
    await staged.discard();
    await this.releaseBlobs([staged.sha256]);
  }

  /**
   * An output of a task; replaces the artifact of the same name. With `maxBytes` (an artifact sent
   * by a remote worker) it is held to that size and to the tenant's stored-bytes limit, like an
   * upload: 413 past either, and nothing stays behind.
   */
  async storeArtifact(
    task: { id: string; tenant: string },
    name: string,
    content: Readable | Buffer | string,
    mediaType: string,
    maxBytes?: number,
  ): Promise<FileEntity> {
    const source =
      typeof content === 'string' || Buffer.isBuffer(content) ? Readable.from([content]) : content;
    const staged = await this.storage.stage(source, { maxBytes }).catch((error: unknown) => {
      throw error instanceof BlobTooLargeError ? uploadTooLarge(error.maxBytes) : error;
    });
    let replaced: string | undefined;
    const row = await this.storeWith(staged, async (tx) => {
      if (maxBytes !== undefined) await this.limits.checkStoredBytes(tx, task.tenant, staged.size);
      const inserted = await this.files.insert(tx, {
        tenant: task.tenant,
        sha256: staged.sha256,
        size: staged.size,
        mediaType,
        name,
        taskId: task.id,
        artifactName: name,
      });
      replaced = inserted.replaced;
      return inserted.row;
    });
    if (replaced && replaced !== row.sha256) await this.releaseBlobs([replaced]);
    return row;
  }

  /**
   * Runs `work` in a transaction that holds the blob's lock, and makes the blob visible before the
   * commit. If anything fails, the staged bytes go, and so does the blob unless a row refers to it.
   */
  private async storeWith<T>(staged: StagedBlob, work: (tx: Db) => Promise<T>): Promise<T> {
    try {
      return await this.database.transaction(async (tx) => {
        await this.files.lockBlob(tx, staged.sha256);
        const result = await work(tx);
        await staged.commit();
        return result;
      });
    } catch (error) {
      await this.dropUpload(staged);
      throw error;
    }
  }

  async get(caller: Caller, id: string): Promise<FileEntity> {
    return (await this.files.find(id, tenantScope(caller))) ?? notFound(id);
  }

  /** Any tenant's file: for the worker, which reads the inputs of every tenant's tasks. */
  findById(id: string): Promise<FileEntity | undefined> {
    return this.files.find(id, undefined);
  }

  findArtifact(taskId: string, name: string): Promise<FileEntity | undefined> {
    return this.files.findArtifact(taskId, name);
  }

  listArtifacts(taskId: string): Promise<FileEntity[]> {
    return this.files.listArtifacts(taskId);
  }

  artifactBlobs(taskIds: string[]): Promise<string[]> {
    return this.files.artifactBlobs(taskIds);
  }

  open(file: FileEntity, range?: ByteRange): Promise<Readable> {
    return this.storage.open(file.sha256, range);
  }

  /** Deletes the row; the blob goes with the last row that refers to it. */
  async delete(caller: Caller, id: string): Promise<void> {
    try {
      const row = await this.database.transaction((tx) =>
        this.files.delete(tx, id, tenantScope(caller)),
      );
      if (!row) notFound(id);
      await this.releaseBlobs([row.sha256]);
    } catch (error) {
      if (isStillReferenced(error)) {
        throw new ProblemException({
          status: 409,
          detail: `File ${id} is the input of a task or schedule; delete that first.`,
        });
      }
      throw error;
    }
  }

  /**
   * Deletes an upload no task takes as input, and its blob unless another row uses it (retention,
   * tenant deletion). False when a task uses it, or it is gone already.
   */
  async deleteUnused(id: string): Promise<boolean> {
    try {
      const sha256 = await this.files.deleteUnused(id);
      if (sha256) await this.releaseBlobs([sha256]);
      return sha256 !== undefined;
    } catch (error) {
      // A task that takes it as input was committed between the check and the delete.
      if (isStillReferenced(error)) return false;
      throw error;
    }
  }

  /** deleteUnused for each; answers how many went. */
  async deleteManyUnused(ids: string[]): Promise<number> {
    let deleted = 0;
    for (const id of ids) if (await this.deleteUnused(id)) deleted += 1;
    return deleted;
  }

  /** Removes the blobs no row refers to any more. Never throws: a leftover blob is only space. */
  async releaseBlobs(sha256s: Iterable<string>): Promise<void> {
    for (const sha256 of new Set(sha256s)) {
      let hidden: { confirm(): Promise<void>; undo(): Promise<void> } | undefined;
      try {
        await this.database.transaction(async (tx) => {
          await this.files.lockBlob(tx, sha256);
          if (!(await this.files.isReferenced(tx, sha256)))
            hidden = await this.storage.hide(sha256);
        });
        await hidden?.confirm();
      } catch (error) {
        await hidden?.undo().catch(() => undefined);
        this.logger.warn({ err: error, sha256 }, 'could not remove an unused blob');
      }
    }
  }
}

/** foreign_key_violation, or restrict_violation on newer servers: a task refers to the file. */
function isStillReferenced(error: unknown): boolean {
  return ['23503', '23001'].includes((error as { code?: string }).code ?? '');
}

function notFound(id: string): never {
  throw new ProblemException({ status: 404, detail: `There is no file with id ${id}.` });
}
