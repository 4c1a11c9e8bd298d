import { randomUUID } from 'node:crypto';
import { createReadStream, createWriteStream } from 'node:fs';
import { access, mkdir, rename, rm, writeFile } from 'node:fs/promises';
import path from 'node:path';
import type { Readable } from 'node:stream';
import { pipeline } from 'node:stream/promises';
import { BlobMeter, CHUNK_BYTES, checkedSha256 } from './blob-meter.js';
import { BlobStorage, type ByteRange, type StagedBlob } from './blob-storage.js';

const ignoreError = (): void => undefined;

/** Blobs under `<root>/<first two hex digits>/<sha256>`; uploads land in `<root>/tmp` first. */
export class LocalBlobStorage extends BlobStorage {
  private readonly tmpDir: string;

  constructor(private readonly root: string) {
    super();
    this.tmpDir = path.join(root, 'tmp');
  }

  async stage(source: Readable, options: { maxBytes?: number } = {}): Promise<StagedBlob> {
    // Until pipeline() listens, an error on the source (a client gone mid-upload) would be an
    // unhandled 'error' event, which ends the process.
    source.on('error', ignoreError);
    await mkdir(this.tmpDir, { recursive: true });
    const tmpPath = path.join(this.tmpDir, randomUUID());
    const meter = new BlobMeter(options.maxBytes);
    try {
      await pipeline(
        source,
        meter,
        createWriteStream(tmpPath, { flags: 'wx', highWaterMark: CHUNK_BYTES }),
      );
    } catch (error) {
      source.off('error', ignoreError);
      await rm(tmpPath, { force: true });
      throw error;
    }
    source.off('error', ignoreError);
    const sha256 = meter.sha256();
    const finalPath = this.pathOf(sha256);
    return {
      sha256,
      size: meter.bytes,
      commit: async () => {
        await mkdir(path.dirname(finalPath), { recursive: true });
        // rename replaces an existing blob atomically: same name, same bytes.
        await rename(tmpPath, finalPath).catch(async (error: NodeJS.ErrnoException) => {
          if (error.code !== 'ENOENT') throw error;
        });
      },
      discard: () => rm(tmpPath, { force: true }),
    };
  }

  async open(sha256: string, range?: ByteRange): Promise<Readable> {
    const file = this.pathOf(sha256);
    await access(file);
    return createReadStream(file, range ? { start: range.start, end: range.end } : {});
  }

  async exists(sha256: string): Promise<boolean> {
    return access(this.pathOf(sha256)).then(
      () => true,
      () => false,
    );
  }

  async hide(sha256: string): Promise<{ confirm(): Promise<void>; undo(): Promise<void> }> {
    const file = this.pathOf(sha256);
    const hidden = path.join(this.tmpDir, `deleted-${sha256}-${randomUUID()}`);
    await mkdir(this.tmpDir, { recursive: true });
    const moved = await rename(file, hidden).then(
      () => true,
      (error: NodeJS.ErrnoException) => {
        if (error.code === 'ENOENT') return false;
        throw error;
      },
    );
    return {
      confirm: async () => {
        if (moved) await rm(hidden, { force: true });
      },
      undo: async () => {
        if (moved) await rename(hidden, file);
      },
    };
  }

  async probe(): Promise<void> {
    await mkdir(this.tmpDir, { recursive: true });
    const probe = path.join(this.tmpDir, `ready-probe-${randomUUID()}`);
    await writeFile(probe, 'ok');
    await rm(probe);
  }

  private pathOf(sha256: string): string {
    return path.join(this.root, sha256.slice(0, 2), checkedSha256(sha256));
  }
}
