import type { Readable } from 'node:stream';
import { TaskInputError } from '../task-errors.js';

export const TEXT_ENCODINGS = ['utf8', 'latin1', 'utf16le'] as const;
export type TextEncoding = (typeof TEXT_ENCODINGS)[number];

const DECODER_LABEL: Record<TextEncoding, string> = {
  utf8: 'utf-8',
  latin1: 'latin1',
  utf16le: 'utf-16le',
};

/**
 * Decodes a byte stream into text chunks. Invalid input for the encoding is an input error (the
 * task fails at once, naming the byte offset), never silently replaced. `onBytes` hears the raw
 * bytes read, for progress. A byte-order mark at the start is dropped.
 */
export async function* decodeText(
  source: Readable,
  encoding: TextEncoding,
  onBytes: (total: number) => void = () => undefined,
): AsyncGenerator<string> {
  const decoder = new TextDecoder(DECODER_LABEL[encoding], { fatal: true });
  let total = 0;
  for await (const chunk of source as AsyncIterable<Buffer>) {
    yield decode(decoder, chunk, total, encoding);
    total += chunk.length;
    onBytes(total);
  }
  const rest = decode(decoder, undefined, total, encoding);
  if (rest) yield rest;
}

function decode(
  decoder: TextDecoder,
  chunk: Buffer | undefined,
  offset: number,
  encoding: TextEncoding,
): string {
  try {
    return chunk ? decoder.decode(chunk, { stream: true }) : decoder.decode();
  } catch {
    const where = chunk ? `in bytes ${offset}–${offset + chunk.length - 1}` : 'at its end';
    throw new TaskInputError(
      `The file is not valid ${DECODER_LABEL[encoding]}: bad bytes ${where}.`,
    );
  }
}
