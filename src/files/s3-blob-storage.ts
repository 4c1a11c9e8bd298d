import { randomUUID } from 'node:crypto';
import { pipeline, type Readable } from 'node:stream';
import {
  CopyObjectCommand,
  DeleteObjectCommand,
  GetObjectCommand,
  HeadObjectCommand,
  PutObjectCommand,
  S3Client,
} from '@aws-sdk/client-s3';
import { Upload } from '@aws-sdk/lib-storage';
import type { OnApplicationShutdown } from '@nestjs/common';
import type { AppConfig } from '../config/app-config.js';
import { BlobMeter, checkedSha256 } from './blob-meter.js';
import { BlobStorage, type ByteRange, type StagedBlob } from './blob-storage.js';

/** An upload holds at most QUEUE_SIZE parts of PART_BYTES in memory, whatever its size. */
const PART_BYTES = 8 * 1024 * 1024;
const QUEUE_SIZE = 4;
const ignoreError = (): void => undefined;

/**
 * Blobs as objects `blobs/<sha256>` in one bucket. An upload streams to `tmp/<uuid>` (a multipart
 * upload, aborted if anything fails) while it is hashed; commit copies it to its name.
 * S3 has no rename, so copies stand in for the local store's renames: one object is at most 5 GiB
 * (CopyObject's limit).
 */
export class S3BlobStorage extends BlobStorage implements OnApplicationShutdown {
  constructor(
    private readonly client: S3Client,
    private readonly bucket: string,
  ) {
    super();
  }

  static connect({ bucket, ...client }: AppConfig['storage']['s3']): S3BlobStorage {
    const options = {
      ...client,
      // The checksums the SDK adds by default (CRC32, since 3.729) are not taken by every
      // S3-compatible store; MD5 where S3 requires one is enough.
      requestChecksumCalculation: 'WHEN_REQUIRED',
      responseChecksumValidation: 'WHEN_REQUIRED',
    } as const;
    return new S3BlobStorage(new S3Client(options), bucket);
  }

  async stage(source: Readable, options: { maxBytes?: number } = {}): Promise<StagedBlob> {
    const meter = new BlobMeter(options.maxBytes);
    // The first error of the source or the meter (e.g. BlobTooLargeError): the upload's own error
    // may be a later one, such as a failed abort.
    let failure: Error | undefined;
    meter.on('error', (error) => (failure ??= error));
    const body = pipeline(source, meter, ignoreError);
    const tmpKey = `tmp/${randomUUID()}`;
    const upload = new Upload({
      client: this.client,
      params: { Bucket: this.bucket, Key: tmpKey, Body: body },
      partSize: PART_BYTES,
      queueSize: QUEUE_SIZE,
    });
    try {
      await upload.done();
    } catch (error) {
      body.destroy();
      await this.delete(tmpKey).catch(ignoreError);
      throw failure ?? error;
    }
    const sha256 = meter.sha256();
    const key = this.keyOf(sha256);
    return {
      sha256,
      size: meter.bytes,
      commit: async () => {
        // The caller holds the blob's lock, so the object cannot go between the check and the end.
        if (!(await this.exists(sha256))) await this.copy(tmpKey, key);
        await this.delete(tmpKey);
      },
      discard: () => this.delete(tmpKey),
    };
  }

  async open(sha256: string, range?: ByteRange): Promise<Readable> {
    const { Body } = await this.client.send(
      new GetObjectCommand({
        Bucket: this.bucket,
        Key: this.keyOf(sha256),
        Range: range ? `bytes=${range.start}-${range.end}` : undefined,
      }),
    );
    // On Node the SDK's body is an IncomingMessage.
    return Body as Readable;
  }

  async exists(sha256: string): Promise<boolean> {
    const head = new HeadObjectCommand({ Bucket: this.bucket, Key: this.keyOf(sha256) });
    return this.client.send(head).then(() => true, falseIfNotFound);
  }

  async hide(sha256: string): Promise<{ confirm(): Promise<void>; undo(): Promise<void> }> {
    const key = this.keyOf(sha256);
    const hidden = `tmp/deleted-${sha256}-${randomUUID()}`;
    const moved = await this.copy(key, hidden).then(() => true, falseIfNotFound);
    if (moved) await this.delete(key);
    return {
      confirm: async () => {
        if (moved) await this.delete(hidden);
      },
      undo: async () => {
        if (!moved) return;
        await this.copy(hidden, key);
        await this.delete(hidden);
      },
    };
  }

  /** Writes and deletes an object: the bucket is there, and the credentials may write to it. */
  async probe(): Promise<void> {
    const key = `tmp/ready-probe-${randomUUID()}`;
    await this.client.send(new PutObjectCommand({ Bucket: this.bucket, Key: key, Body: 'ok' }));
    await this.delete(key);
  }

  onApplicationShutdown(): void {
    this.client.destroy();
  }

  private keyOf(sha256: string): string {
    return `blobs/${checkedSha256(sha256)}`;
  }

  private async copy(from: string, to: string): Promise<void> {
    await this.client.send(
      new CopyObjectCommand({ Bucket: this.bucket, Key: to, CopySource: `${this.bucket}/${from}` }),
    );
  }

  /** Deleting a missing key succeeds in S3, so this is safe twice. */
  private async delete(key: string): Promise<void> {
    await this.client.send(new DeleteObjectCommand({ Bucket: this.bucket, Key: key }));
  }
}

function falseIfNotFound(error: unknown): false {
  const status = (error as { $metadata?: { httpStatusCode?: number } }).$metadata?.httpStatusCode;
  if (status === 404) return false;
  throw error;
}
