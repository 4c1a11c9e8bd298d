import { pipeline, type Readable, Transform } from 'node:stream';
import { TaskInputError } from '../task-errors.js';

export const TEXT_ENCODINGS = ['utf8', 'latin1', 'utf16le'] as const;
export type TextEncoding = (typeof TEXT_ENCODINGS)[number];

const DECODER_LABEL: Record<TextEncoding, string> = {
  utf8: 'utf-8',
  latin1: 'latin1',
  utf16le: 'utf-16le',
};

/**
 * The text of a byte stream, as a stream of strings. Input that is invalid for the encoding fails
 * the stream with an input error naming the byte range (the task fails at once), never silently
 * replaced. `onBytes` hears how many bytes have been read, for progress. A byte-order mark at the
 * start is dropped.
 */
export function decodeText(
  source: Readable,
  encoding: TextEncoding,
  onBytes: (total: number) => void = () => undefined,
): Readable {
  const decoder = new TextDecoder(DECODER_LABEL[encoding], { fatal: true });
  let total = 0;
  const decoding = new Transform({
    readableObjectMode: true,
    transform(chunk: Buffer, _encoding, done) {
      const text = decode(decoder, chunk, total, encoding);
      total += chunk.length;
      onBytes(total);
      done(text instanceof Error ? text : null, text || undefined);
    },
    flush(done) {
      const rest = decode(decoder, undefined, total, encoding);
      done(rest instanceof Error ? rest : null, rest || undefined);
    },
  });
  // The callback form returns the last stream and destroys it with the source's error.
  return pipeline(source, decoding, () => undefined);
}

function decode(
  decoder: TextDecoder,
  chunk: Buffer | undefined,
  offset: number,
  encoding: TextEncoding,
): string | Error {
  try {
    return chunk ? decoder.decode(chunk, { stream: true }) : decoder.decode();
  } catch {
    const where = chunk ? `in bytes ${offset}–${offset + chunk.length - 1}` : 'at its end';
    return new TaskInputError(
      `The file is not valid ${DECODER_LABEL[encoding]}: bad bytes ${where}.`,
    );
  }
}
