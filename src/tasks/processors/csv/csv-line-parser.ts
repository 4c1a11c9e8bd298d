import { Parser } from 'csv-parse';
import type { TransformCallback } from 'node:stream';

export interface TaggedRecord {
  line: number;
  record: string[];
}

/**
 * csv-parse's parser, each record tagged with the line it ends on, read when the record is parsed.
 * (Its `info: true` option does the same by copying the whole info object per record, which
 * makes the import several times slower.)
 */
export class LineTaggedParser extends Parser {
  private endsWithLineBreak = false;

  override push(record: unknown, encoding?: BufferEncoding): boolean {
    return super.push(record === null ? null : { line: this.info.lines, record }, encoding);
  }

  override _transform(chunk: Buffer, encoding: BufferEncoding, done: TransformCallback): void {
    // The stream hands the decoded text over as UTF-8 bytes (decodeStrings).
    const last = chunk[chunk.length - 1];
    this.endsWithLineBreak = last === 10 || last === 13; // '\n', '\r'
    // oxlint-disable-next-line no-underscore-dangle -- the hook a Transform subclass extends
    super._transform(chunk, encoding, done);
  }

  /** Empty lines in the file. csv-parse also counts the empty "line" after a final line break. */
  blankLines(): number {
    return this.info.empty_lines - (this.endsWithLineBreak ? 1 : 0);
  }
}
