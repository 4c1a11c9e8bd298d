import { Transform, type TransformCallback } from 'node:stream';
import { VALUE_CHECKS, type ValueCheck } from './csv-copy-values.js';
import type { CsvColumnType } from './csv-import.options.js';

/** The file may read otherwise in COPY … FORMAT csv than in csv-parse and RowConverter. */
export class NotForCopy extends Error {}

const LF = 0x0a;
const CR = 0x0d;

export interface CopyScannerOptions {
  delimiter: string;
  quote: string;
  /** One per column, in file order. */
  types: CsvColumnType[];
  header: boolean;
  /** Longer records are left to csv-parse, which has a limit in characters of its own. */
  maxRecordBytes: number;
  onBytes: (read: number) => void;
}

/**
 * Turns a UTF-8 CSV file's bytes into COPY … FORMAT csv input: each record as it is, prefixed with
 * the line it is on (the `_line` column), blank lines and the header left out and counted, the
 * byte-order mark dropped, line breaks made LF. It takes only the records csv-parse splits the
 * same way and whose values RowConverter and PostgreSQL read alike; on any other it fails with
 * NotForCopy, before the record reaches COPY. So: no line break inside quotes (a record is then
 * one line, and its line number known before it is sent), a quote only around a whole field,
 * the columns' count of fields, one kind of line break (LF or CRLF), values in the grammars of
 * csv-copy-values.ts.
 */
export class CsvCopyScanner extends Transform {
  /** Records sent to COPY. */
  rows = 0;
  blankLines = 0;
  private lines = 0;
  private bytesRead = 0;
  private rest: Buffer = Buffer.alloc(0);
  private atStart = true;
  private headerLeft: boolean;
  private crlf: boolean | undefined;
  private out: Buffer = Buffer.alloc(0);
  private outLength = 0;
  private readonly delimiter: number;
  private readonly quote: number;
  private readonly checks: ValueCheck[];

  constructor(private readonly options: CopyScannerOptions) {
    super();
    this.delimiter = options.delimiter.charCodeAt(0);
    this.quote = options.quote.charCodeAt(0);
    this.checks = options.types.map((type) => VALUE_CHECKS[type]);
    this.headerLeft = options.header;
  }

  override _transform(chunk: Buffer, _: BufferEncoding, done: TransformCallback): void {
    this.bytesRead += chunk.length;
    this.options.onBytes(this.bytesRead);
    const data = this.rest.length === 0 ? chunk : Buffer.concat([this.rest, chunk]);
    this.run(() => this.scan(data, false), done);
  }

  override _flush(done: TransformCallback): void {
    this.run(() => this.scan(this.rest, true), done);
  }

  private run(scan: () => Buffer | undefined, done: TransformCallback): void {
    let out: Buffer | undefined;
    try {
      out = scan();
    } catch (error) {
      return done(error as Error);
    }
    done(null, out);
  }

  /** The COPY input of the whole records in `data`; the rest is kept for the next chunk. */
  private scan(data: Buffer, final: boolean): Buffer | undefined {
    let pos = 0;
    if (this.atStart) {
      if (data.length < 3 && !final) {
        this.rest = data;
        return undefined;
      }
      this.atStart = false;
      // TextDecoder drops a byte-order mark; csv-parse never sees it.
      if (data[0] === 0xef && data[1] === 0xbb && data[2] === 0xbf) pos = 3;
    }
    this.out = Buffer.allocUnsafe(data.length + (data.length >> 2) + 64);
    this.outLength = 0;
    while (pos < data.length) {
      const next = this.record(data, pos, final);
      if (next === -1) break;
      pos = next;
    }
    this.rest = data.subarray(pos);
    if (this.rest.length > this.options.maxRecordBytes) throw new NotForCopy('a long record');
    return this.outLength === 0 ? undefined : this.out.subarray(0, this.outLength);
  }

  /** Reads the record (or blank line) at `start`: where the next begins, -1 if it is not all here. */
  private record(bytes: Buffer, start: number, final: boolean): number {
    const n = bytes.length;
    const breakAt = this.lineBreakAt(bytes, start, final);
    if (breakAt === -1) return -1;
    if (breakAt > 0) {
      // A blank line, which csv-parse skips and counts.
      this.blankLines++;
      return start + breakAt;
    }
    const { delimiter, quote, checks } = this;
    const checking = !this.headerLeft;
    let i = start;
    let field = 0;
    for (;;) {
      if (field === checks.length) throw new NotForCopy('a record with more fields than columns');
      let valueStart = i;
      let valueEnd: number;
      if (bytes[i] === quote) {
        valueStart = ++i;
        for (;;) {
          if (i >= n) {
            if (final) throw new NotForCopy('a quoted field that does not end');
            return -1;
          }
          const byte = bytes[i];
          if (byte === quote) {
            if (i + 1 >= n && !final) return -1;
            if (bytes[i + 1] !== quote) break;
            i += 2;
          } else if (byte === LF || byte === CR) {
            throw new NotForCopy('a line break inside quotes');
          } else i++;
        }
        valueEnd = i++;
        // csv-parse may take such a record for an empty line.
        if (valueEnd === valueStart && checks.length === 1) throw new NotForCopy('a lone ""');
      } else {
        while (i < n) {
          const byte = bytes[i];
          if (byte === delimiter || byte === LF || byte === CR) break;
          if (byte === quote) throw new NotForCopy('a quote inside a field');
          i++;
        }
        if (i >= n && !final) return -1;
        valueEnd = i;
      }
      if (checking && !checks[field](bytes, valueStart, valueEnd)) {
        throw new NotForCopy(`a value of column ${field + 1} outside the checked forms`);
      }
      field++;
      if (bytes[i] !== delimiter || i >= n) break;
      i++;
    }
    if (field !== checks.length) throw new NotForCopy('a record with fewer fields than columns');
    if (i - start > this.options.maxRecordBytes) throw new NotForCopy('a long record');
    const line = this.lines + 1;
    let next = n;
    if (i < n) {
      const breakLength = this.lineBreakAt(bytes, i, final);
      if (breakLength === -1) return -1;
      if (breakLength === 0) throw new NotForCopy('text after a closing quote');
      next = i + breakLength;
    }
    if (this.headerLeft) this.headerLeft = false;
    else this.writeRow(line, bytes, start, i);
    return next;
  }

  /**
   * The length of the line break at `i` (counted as one more line), 0 when there is none, -1
   * when the chunk ends before it is known. Only one kind of line break may be in a file: csv-parse
   * takes the first for all, where COPY takes the other for a field's text, or fails.
   */
  private lineBreakAt(bytes: Buffer, i: number, final: boolean): number {
    let length: number;
    if (bytes[i] === LF) length = 1;
    else if (bytes[i] !== CR) return 0;
    else if (i + 1 >= bytes.length && !final) return -1;
    else if (bytes[i + 1] === LF) length = 2;
    else throw new NotForCopy('a carriage return without a line feed');
    const crlf = length === 2;
    if (this.crlf === undefined) this.crlf = crlf;
    else if (this.crlf !== crlf) throw new NotForCopy('line breaks of two kinds');
    this.lines++;
    return length;
  }

  /** `line`, the delimiter, the record's bytes [start, end) and LF, to the output. */
  private writeRow(line: number, bytes: Buffer, start: number, end: number): void {
    const need = this.outLength + 24 + (end - start);
    if (need > this.out.length) {
      const grown = Buffer.allocUnsafe(Math.max(need, this.out.length * 2));
      this.out.copy(grown, 0, 0, this.outLength);
      this.out = grown;
    }
    const out = this.out;
    let o = this.outLength;
    let digits = 1;
    for (let v = line; v >= 10; v = Math.floor(v / 10)) digits++;
    o += digits;
    for (let v = line, p = o; p > this.outLength; v = Math.floor(v / 10)) out[--p] = 48 + (v % 10);
    out[o++] = this.delimiter;
    if (end - start < 128) for (let k = start; k < end; k++) out[o++] = bytes[k];
    else o += bytes.copy(out, o, start, end);
    out[o++] = LF;
    this.outLength = o;
    this.rows++;
  }
}
