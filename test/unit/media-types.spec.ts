import {
  cleanFileName,
  CSV_INPUT_MEDIA_TYPES,
  downloadContentType,
  isTabSeparated,
  resolveMediaType,
} from '../../src/files/media-types.js';

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

  it('types .tsv and .tab sent as application/octet-stream (what curl sends) as TSV', () => {
    expect(resolveMediaType('application/octet-stream', 'stations.tsv')).toBe(
      'text/tab-separated-values',
    );
    expect(resolveMediaType('application/octet-stream', 'STATIONS.TAB')).toBe(
      'text/tab-separated-values',
    );
  });

  it('records the other names of CSV and TSV as the registered types', () => {
    for (const alias of ['application/csv', 'text/x-csv', 'Application/X-CSV; header=present']) {
      expect([alias, resolveMediaType(alias, 'x.bin')]).toEqual([alias, 'text/csv']);
    }
    for (const alias of ['text/tsv', 'text/x-tab-separated-values']) {
      expect([alias, resolveMediaType(alias, null)]).toEqual([alias, 'text/tab-separated-values']);
    }
    expect(resolveMediaType('text/tab-separated-values', 'x.csv')).toBe(
      'text/tab-separated-values',
    );
  });

  it("types Excel's type for a .csv (what browsers send where Excel owns .csv) by the extension", () => {
    expect(resolveMediaType('application/vnd.ms-excel', 'report.csv')).toBe('text/csv');
    expect(resolveMediaType('application/vnd.ms-excel', 'report.tsv')).toBe(
      'text/tab-separated-values',
    );
    // A workbook, or a file with no name, keeps Excel's type.
    expect(resolveMediaType('application/vnd.ms-excel', 'book.xls')).toBe(
      'application/vnd.ms-excel',
    );
    expect(resolveMediaType('application/vnd.ms-excel', null)).toBe('application/vnd.ms-excel');
  });
});

describe('csv.import input types', () => {
  it('include what clients send for CSV and TSV', () => {
    expect(CSV_INPUT_MEDIA_TYPES).toEqual(
      expect.arrayContaining([
        'text/csv',
        'text/tab-separated-values',
        'text/plain',
        'application/vnd.ms-excel',
        'application/csv',
        'text/x-csv',
        'text/tsv',
      ]),
    );
  });
});

describe('isTabSeparated', () => {
  it('reads tabs from a TSV type or a .tsv/.tab name', () => {
    expect(isTabSeparated('text/tab-separated-values', null)).toBe(true);
    expect(isTabSeparated('text/tsv', 'x.csv')).toBe(true);
    expect(isTabSeparated('text/plain', 'data.TSV')).toBe(true);
    expect(isTabSeparated('text/plain', 'data.tab')).toBe(true);
    expect(isTabSeparated('text/csv', 'data.csv')).toBe(false);
    expect(isTabSeparated('text/plain', null)).toBe(false);
  });
});

describe('downloadContentType', () => {
  it('says charset=utf-8 for a text artifact, which Taskyard writes in UTF-8', () => {
    expect(downloadContentType('text/csv', true)).toBe('text/csv; charset=utf-8');
    expect(downloadContentType('text/plain; charset=utf-16le', true)).toBe(
      'text/plain; charset=utf-16le',
    );
    expect(downloadContentType('application/json', true)).toBe('application/json');
  });

  it('adds no charset to an upload, whose encoding Taskyard does not know', () => {
    expect(downloadContentType('text/csv', false)).toBe('text/csv');
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
