import { createHash } from 'node:crypto';
import { Transform } from 'node:stream';
import { BlobTooLargeError } from './blob-storage.js';

const SHA256_HEX = /^[0-9a-f]{64}$/;

/** Larger chunks than the 16 KiB default: fewer system calls, and the network keeps flowing. */
export const CHUNK_BYTES = 1024 * 1024;

/** Passes bytes through while counting and hashing them; fails past `maxBytes`. */
export class BlobMeter extends Transform {
  bytes = 0;
  private readonly hash = createHash('sha256');

  constructor(private readonly maxBytes = Number.POSITIVE_INFINITY) {
    super({ highWaterMark: CHUNK_BYTES });
  }

  override _transform(
    chunk: Buffer,
    _encoding: BufferEncoding,
    done: (error?: Error | null, data?: Buffer) => void,
  ): void {
    this.bytes += chunk.length;
    if (this.bytes > this.maxBytes) return done(new BlobTooLargeError(this.maxBytes));
    this.hash.update(chunk);
    done(null, chunk);
  }

  /** The sha256 in hex, once every byte has passed. */
  sha256(): string {
    return this.hash.digest('hex');
  }
}

/** A blob's name, checked: it becomes a file path or an object key. */
export function checkedSha256(sha256: string): string {
  if (!SHA256_HEX.test(sha256)) throw new Error(`not a sha256: ${sha256}`);
  return sha256;
}
