import type { Readable } from 'node:stream';

export interface StoredBlob {
  sha256: string;
  size: number;
}

/** Bytes first..last, inclusive, as HTTP ranges count them. */
export interface ByteRange {
  start: number;
  end: number;
}

/** A blob written to storage but not yet visible under its hash: commit or discard it. */
export interface StagedBlob extends StoredBlob {
  /** Makes the blob readable under its hash (a no-op when that content is already stored). */
  commit(): Promise<void>;
  /** Removes the staged bytes; safe to call after commit or twice. */
  discard(): Promise<void>;
}

export class BlobTooLargeError extends Error {
  override readonly name = 'BlobTooLargeError';
  constructor(readonly maxBytes: number) {
    super(`the content exceeds ${maxBytes} bytes`);
  }
}

/**
 * Content-addressed blob storage: a blob's name is the sha256 of its bytes, so the same content is
 * stored once. Local disk or an S3-compatible object store (STORAGE); nothing else reads paths.
 */
export abstract class BlobStorage {
  /**
   * Streams `source` into storage while hashing it. If the stream fails or passes `maxBytes`,
   * nothing stays behind and the promise rejects (BlobTooLargeError for the limit).
   */
  abstract stage(source: Readable, options?: { maxBytes?: number }): Promise<StagedBlob>;

  abstract open(sha256: string, range?: ByteRange): Promise<Readable>;

  abstract exists(sha256: string): Promise<boolean>;

  /**
   * Takes the blob out of reach and answers how to finish: `confirm` deletes it for good, `undo`
   * puts it back. Callers hide a blob inside a transaction and confirm after the commit.
   */
  abstract hide(sha256: string): Promise<{ confirm(): Promise<void>; undo(): Promise<void> }>;

  /** Rejects unless the store takes work now: the readiness check. */
  abstract probe(): Promise<void>;
}
