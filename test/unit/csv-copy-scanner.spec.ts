import { Readable } from 'node:stream';
import { buffer } from 'node:stream/consumers';
import { CsvCopyScanner, NotForCopy } from '../../src/tasks/processors/csv/csv-copy-scanner.js';
import { VALUE_CHECKS } from '../../src/tasks/processors/csv/csv-copy-values.js';
import type { CsvColumnType } from '../../src/tasks/processors/csv/csv-import.options.js';

/** The file in chunks of `chunkSize` bytes through a scanner: its COPY input and counts. */
async function scan(
  file: string | Buffer,
  types: CsvColumnType[],
  { header = true, chunkSize = 3, delimiter = ',', quote = '"' } = {},
) {
  const bytes = Buffer.isBuffer(file) ? file : Buffer.from(file);
  const chunks: Buffer[] = [];
  for (let i = 0; i < bytes.length; i += chunkSize) chunks.push(bytes.subarray(i, i + chunkSize));
  let read = 0;
  const scanner = new CsvCopyScanner({
    delimiter,
    quote,
    types,
    header,
    maxRecordBytes: 64,
    onBytes: (n) => (read = n),
  });
  const out = await buffer(Readable.from(chunks).pipe(scanner));
  return { copy: out.toString(), rows: scanner.rows, blankLines: scanner.blankLines, read };
}

describe('CsvCopyScanner', () => {
  it('prefixes each record with its line, leaving out the header, blank lines and a BOM', async () => {
    const file = '\ufeffa,b\r\n\r\n1,"x, ""y"""\r\n2,\r\n\r\n3,""';
    for (const chunkSize of [1, 2, 3, 7, 1000]) {
      await expect(scan(file, ['int', 'text'], { chunkSize })).resolves.toEqual({
        copy: '3,1,"x, ""y"""\n4,2,\n6,3,""\n',
        rows: 3,
        blankLines: 2,
        read: Buffer.byteLength(file),
      });
    }
  });

  it('reads a file without a header from line 1', async () => {
    const { copy } = await scan('x;1\ny;2\n', ['text', 'int'], { header: false, delimiter: ';' });
    expect(copy).toBe('1;x;1\n2;y;2\n');
  });

  it.each([
    ['a line break inside quotes', 'a,b\n1,"x\ny"\n'],
    ['a quote inside a field', 'a,b\n1,x"y\n'],
    ['text after a closing quote', 'a,b\n1,"x"y\n'],
    ['a quoted field that never ends', 'a,b\n1,"xy\n'],
    ['a carriage return alone', 'a,b\n1,x\ry\n'],
    ['line breaks of two kinds', 'a,b\r\n1,x\n'],
    ['too few fields', 'a,b\n1\n'],
    ['too many fields', 'a,b\n1,x,y\n'],
    ['a record over the length limit', `a,b\n1,${'x'.repeat(100)}\n`],
  ])('declines %s', async (_, file) => {
    await expect(scan(file, ['int', 'text'])).rejects.toBeInstanceOf(NotForCopy);
  });

  it('declines a record of one quoted empty field, which csv-parse may skip', async () => {
    await expect(scan('a\n""\n', ['text'])).rejects.toBeInstanceOf(NotForCopy);
  });

  it.each<[CsvColumnType, string[], string[]]>([
    [
      'int',
      ['1', '+007', '-0', ' 12 ', '', '\t3'],
      ['0x10', '1_000', '1.0', '1e3', ' ', '"1"', '−1'],
    ],
    [
      'float',
      ['1', '1.', '.5', '-2.5e+3', '1E-3', ' 7 ', '-0.01', ''],
      ['-0', '-0.0e5', 'NaN', 'Infinity', '0x10', '1e', '.', 'e5', '1,5', '1e5.5'],
    ],
    [
      'bool',
      ['t', 'TRUE', 'yes', 'Y', '1', 'false', 'F', 'no', 'n', '0', ' true '],
      ['tru', 'on', 'off', 'of', 'ye', 'fals', '2', 'yess'],
    ],
    [
      'date',
      ['2020-01-02', ' 1999-12-31 ', '0001-01-01'],
      ['2020-1-02', '01/02/2000', '20200102', 'epoch', '2020-01-02 10:00', '2020/01/02'],
    ],
  ])('checks %s values by the service converter grammar', (type, good, bad) => {
    const check = (value: string): boolean => {
      const bytes = Buffer.from(value);
      return VALUE_CHECKS[type](bytes, 0, bytes.length);
    };
    expect(good.filter((v) => !check(v))).toEqual([]);
    expect(bad.filter(check)).toEqual([]);
  });
});
