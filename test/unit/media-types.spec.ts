import { cleanFileName, resolveMediaType } from '../../src/files/media-types.js';

describe('resolveMediaType', () => {
  it('keeps a declared type, lowercased and without parameters', () => {
    expect(resolveMediaType('Text/CSV; charset=utf-8', 'x.txt')).toBe('text/csv');
  });

  it('types application/octet-stream by the file name extension', () => {
    expect(resolveMediaType('application/octet-stream', 'notes.MD')).toBe('text/markdown');
    expect(resolveMediaType(undefined, 'rows.jsonl')).toBe('application/x-ndjson');
    expect(resolveMediaType('application/octet-stream', 'image.png')).toBe(
      'application/octet-stream',
    );
    expect(resolveMediaType('', null)).toBe('application/octet-stream');
  });
});

describe('cleanFileName', () => {
  it('keeps only the last path segment, without control characters', () => {
    expect(cleanFileName('../../etc/passwd')).toBe('passwd');
    expect(cleanFileName('C:\\Users\\me\\report.csv')).toBe('report.csv');
    expect(cleanFileName('a\u0000b\nc.txt')).toBe('abc.txt');
  });

  it('gives no name rather than a dot path or an empty one', () => {
    expect(cleanFileName('..')).toBeNull();
    expect(cleanFileName('dir/')).toBeNull();
    expect(cleanFileName(undefined)).toBeNull();
  });

  it('cuts very long names to 255 characters', () => {
    expect(cleanFileName('x'.repeat(1000))).toHaveLength(255);
  });
});
