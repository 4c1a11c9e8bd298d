import type { FileSource } from './types.js';

/** An upload's bytes, read only when iterated, with what is known of it beforehand. */
export interface OpenedSource {
  chunks: AsyncIterable<Uint8Array>;
  size?: number;
  name?: string;
  mediaType?: string;
}

/** Bytes are handed on in pieces of this size, so that progress moves while they are sent. */
const PIECE_BYTES = 64 * 1024;

/** A FileSource as bytes to stream: a path through node:fs (imported only for a path). */
export async function openSource(file: FileSource): Promise<OpenedSource> {
  if (typeof file === 'string') {
    const { createReadStream, promises } = await import('node:fs');
    const { size } = await promises.stat(file);
    return {
      // Opened when the body is first pulled, and closed when it ends or is let go.
      chunks: { [Symbol.asyncIterator]: () => createReadStream(file)[Symbol.asyncIterator]() },
      size,
      name: file.split(/[\\/]/).pop(),
    };
  }
  if (file instanceof Uint8Array) return { chunks: pieces(file), size: file.byteLength };
  if (typeof Blob !== 'undefined' && file instanceof Blob) {
    const name = (file as Partial<File>).name;
    return {
      chunks: { [Symbol.asyncIterator]: () => readerChunks(file.stream()) },
      size: file.size,
      name: name || undefined,
      mediaType: file.type || undefined,
    };
  }
  if (isReadableStream(file))
    return { chunks: { [Symbol.asyncIterator]: () => readerChunks(file) } };
  if (Symbol.asyncIterator in file) return { chunks: file };
  throw new TypeError(
    'the file must be a path, a Blob, a Uint8Array, a ReadableStream or an async iterable of bytes',
  );
}

function* piecesOf(bytes: Uint8Array): Generator<Uint8Array> {
  for (let at = 0; at < bytes.byteLength; at += PIECE_BYTES) {
    yield bytes.subarray(at, at + PIECE_BYTES);
  }
}

async function* pieces(bytes: Uint8Array): AsyncGenerator<Uint8Array> {
  yield* piecesOf(bytes);
}

function isReadableStream(value: unknown): value is ReadableStream<Uint8Array> {
  return typeof (value as ReadableStream | undefined)?.getReader === 'function';
}

/** A web stream's chunks through its reader (browsers do not all iterate streams yet). */
export async function* readerChunks(
  stream: ReadableStream<Uint8Array>,
): AsyncGenerator<Uint8Array> {
  const reader = stream.getReader();
  try {
    for (;;) {
      const { done, value } = await reader.read();
      if (done) return;
      yield* piecesOf(value);
    }
  } finally {
    await reader.cancel().catch(() => undefined);
    reader.releaseLock();
  }
}
