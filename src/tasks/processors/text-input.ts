import { pipeline, type Readable, Transform } from 'node:stream';
import { TaskInputError } from '../task-errors.js';

/**
 * `latin1` decodes as windows-1252, as the WHATWG Encoding Standard (TextDecoder) defines it: files
 * called Latin-1 are nearly always windows-1252 (€, curly quotes, … in 0x80–0x9F, where
 * ISO-8859-1 proper has unused control characters). `windows-1252` is the same decoding by its
 * exact name. Neither can fail: every byte is a character.
 */
export const TEXT_ENCODINGS = ['utf8', 'latin1', 'windows-1252', 'utf16le'] as const;
export type TextEncoding = (typeof TEXT_ENCODINGS)[number];

const DECODER_LABEL: Record<TextEncoding, string> = {
  utf8: 'utf-8',
  latin1: 'windows-1252',
  'windows-1252': 'windows-1252',
  utf16le: 'utf-16le',
};

/** Longest run of bytes a decoder can hold back at the end of a chunk, waiting for the rest. */
const MAX_PENDING = 3;

/**
 * The text of a byte stream, as a stream of strings. Input that is invalid for the encoding fails
 * the stream with an input error naming the byte offset of the first bad sequence — and its line,
 * when `reopen` can read the file again from the start — never silently replaced. `onBytes` hears
 * how many bytes have been read, for progress. A byte-order mark at the start is dropped.
 */
export function decodeText(
  source: Readable,
  encoding: TextEncoding,
  onBytes: (total: number) => void = () => undefined,
  reopen?: () => Promise<Readable>,
): Readable {
  const decoder = new TextDecoder(DECODER_LABEL[encoding], { fatal: true });
  let total = 0;
  // The last bytes read: where a sequence the decoder holds back may have begun.
  let tail: Buffer = Buffer.alloc(0);
  const fail = (chunk: Buffer | undefined, done: (error: Error) => void): void => {
    const offset = badOffset(encoding, tail, total, chunk);
    const bytes = chunk ? Buffer.concat([tail, chunk]) : tail;
    const bad = bytes[offset - (total - tail.length)];
    const line = reopen ? lineAt(reopen, offset, encoding) : Promise.resolve(undefined);
    void line.then((n) => done(invalidText(encoding, offset, n, bad)));
  };
  const decoding = new Transform({
    readableObjectMode: true,
    transform(chunk: Buffer, _encoding, done) {
      let text: string;
      try {
        text = decoder.decode(chunk, { stream: true });
      } catch {
        return fail(chunk, done);
      }
      total += chunk.length;
      tail =
        chunk.length >= MAX_PENDING
          ? chunk.subarray(-MAX_PENDING)
          : Buffer.concat([tail, chunk]).subarray(-MAX_PENDING);
      onBytes(total);
      done(null, text || undefined);
    },
    flush(done) {
      let rest: string;
      try {
        rest = decoder.decode();
      } catch {
        return fail(undefined, done);
      }
      done(null, rest || undefined);
    },
  });
  // The callback form returns the last stream and destroys it with the source's error.
  return pipeline(source, decoding, () => undefined);
}

function invalidText(
  encoding: TextEncoding,
  offset: number,
  line: number | undefined,
  bad: number | undefined,
): TaskInputError {
  const hex = `0x${(bad ?? 0).toString(16).padStart(2, '0')}`;
  const where = line === undefined ? '' : ` (line ${line})`;
  return new TaskInputError(
    `The file is not valid ${DECODER_LABEL[encoding]} at byte offset ${offset}${where}: ` +
      `no character starts with the bytes there (${hex} …). ` +
      'Give its encoding in the "encoding" option, or convert it.',
  );
}

/**
 * The byte offset, in the whole stream, of the first bad sequence: in `chunk` (read after `total`
 * bytes, the last of which are `tail`), or at the end of the stream when there is no chunk.
 */
function badOffset(
  encoding: TextEncoding,
  tail: Buffer,
  total: number,
  chunk: Buffer | undefined,
): number {
  const start = encoding === 'utf16le' ? pendingUtf16le(tail, total) : pendingUtf8(tail);
  const bytes = chunk ? Buffer.concat([tail.subarray(start), chunk]) : tail.subarray(start);
  const index =
    encoding === 'utf16le' ? firstBadUtf16le(bytes, !chunk) : firstBadUtf8(bytes, !chunk);
  return total - (tail.length - start) + Math.max(index, 0);
}

/** Where in `tail` an unfinished UTF-8 sequence begins (tail.length when none does). */
function pendingUtf8(tail: Buffer): number {
  for (let i = tail.length - 1; i >= 0; i--) {
    const byte = tail[i];
    if (byte < 0x80) break;
    if (byte >= 0xc0) {
      const length = byte >= 0xf0 ? 4 : byte >= 0xe0 ? 3 : 2;
      return tail.length - i < length ? i : tail.length;
    }
  }
  return tail.length;
}

/** Where in `tail` an unfinished UTF-16LE code unit or surrogate pair begins. */
function pendingUtf16le(tail: Buffer, total: number): number {
  let start = tail.length - (total % 2);
  const unit = start >= 2 ? tail.readUInt16LE(start - 2) : 0;
  if (unit >= 0xd800 && unit <= 0xdbff) start -= 2;
  return start;
}

/** The index of the first ill-formed UTF-8 sequence, or -1; a cut-off one counts when `final`. */
export function firstBadUtf8(bytes: Uint8Array, final: boolean): number {
  let i = 0;
  while (i < bytes.length) {
    const lead = bytes[i];
    if (lead < 0x80) {
      i++;
      continue;
    }
    // The Unicode table of well-formed sequences: the second byte's range depends on the lead.
    let need: number;
    let [low, high] = [0x80, 0xbf];
    if (lead >= 0xc2 && lead <= 0xdf) need = 1;
    else if (lead >= 0xe0 && lead <= 0xef) {
      need = 2;
      if (lead === 0xe0) low = 0xa0;
      if (lead === 0xed) high = 0x9f;
    } else if (lead >= 0xf0 && lead <= 0xf4) {
      need = 3;
      if (lead === 0xf0) low = 0x90;
      if (lead === 0xf4) high = 0x8f;
    } else return i;
    for (let k = 1; k <= need; k++) {
      if (i + k >= bytes.length) return final ? i : -1;
      const next = bytes[i + k];
      if (k === 1 ? next < low || next > high : next < 0x80 || next > 0xbf) return i;
    }
    i += need + 1;
  }
  return -1;
}

/** The index of the first unpaired surrogate or odd last byte, or -1; a cut-off one counts when `final`. */
export function firstBadUtf16le(bytes: Uint8Array, final: boolean): number {
  for (let i = 0; i < bytes.length; i += 2) {
    if (i + 1 >= bytes.length) return final ? i : -1;
    const unit = bytes[i] | (bytes[i + 1] << 8);
    if (unit >= 0xdc00 && unit <= 0xdfff) return i;
    if (unit >= 0xd800 && unit <= 0xdbff) {
      if (i + 3 >= bytes.length) return final ? i : -1;
      const next = bytes[i + 2] | (bytes[i + 3] << 8);
      if (next < 0xdc00 || next > 0xdfff) return i;
      i += 2;
    }
  }
  return -1;
}

/**
 * The 1-based line the byte at `offset` is on: the file is read again up to there (only when it
 * fails to decode, so an import pays nothing for it). The bytes before `offset` are valid.
 */
async function lineAt(
  reopen: () => Promise<Readable>,
  offset: number,
  encoding: TextEncoding,
): Promise<number | undefined> {
  try {
    const decoder = new TextDecoder(DECODER_LABEL[encoding]);
    let read = 0;
    let line = 1;
    const count = (text: string): void => {
      for (let i = text.indexOf('\n'); i !== -1; i = text.indexOf('\n', i + 1)) line++;
    };
    for await (const chunk of await reopen()) {
      const bytes = (chunk as Buffer).subarray(0, offset - read);
      read += bytes.length;
      count(decoder.decode(bytes, { stream: true }));
      if (read >= offset) break;
    }
    count(decoder.decode());
    return line;
  } catch {
    return undefined;
  }
}
