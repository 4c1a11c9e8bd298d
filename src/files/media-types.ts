import path from 'node:path';

export const CSV_MEDIA_TYPE = 'text/csv';
export const TSV_MEDIA_TYPE = 'text/tab-separated-values';

const BY_EXTENSION: Record<string, string> = {
  '.csv': CSV_MEDIA_TYPE,
  '.tsv': TSV_MEDIA_TYPE,
  '.tab': TSV_MEDIA_TYPE,
  '.txt': 'text/plain',
  '.md': 'text/markdown',
  '.markdown': 'text/markdown',
  '.json': 'application/json',
  '.ndjson': 'application/x-ndjson',
  '.jsonl': 'application/x-ndjson',
};

/** Other names clients give CSV and TSV, recorded as the registered type. */
const ALIASES: Record<string, string> = {
  'application/csv': CSV_MEDIA_TYPE,
  'application/x-csv': CSV_MEDIA_TYPE,
  'text/x-csv': CSV_MEDIA_TYPE,
  'text/comma-separated-values': CSV_MEDIA_TYPE,
  'text/x-comma-separated-values': CSV_MEDIA_TYPE,
  'text/tsv': TSV_MEDIA_TYPE,
  'text/x-tsv': TSV_MEDIA_TYPE,
  'text/x-tab-separated-values': TSV_MEDIA_TYPE,
};

/**
 * Types that say little about the content, so a known extension wins: octet-stream is what curl
 * and browsers send when they do not know, and browsers on systems where Excel owns .csv send
 * application/vnd.ms-excel for a .csv file.
 */
const VAGUE = new Set(['application/octet-stream', 'application/vnd.ms-excel']);

/** The media types csv.import reads (text/plain and Excel's type for .csv included). */
export const CSV_INPUT_MEDIA_TYPES = [
  CSV_MEDIA_TYPE,
  TSV_MEDIA_TYPE,
  'text/plain',
  'application/vnd.ms-excel',
  ...Object.keys(ALIASES),
];

/**
 * The media type to record for an upload: the one the client declared (lowercased, without
 * parameters, an alias of CSV or TSV as text/csv or text/tab-separated-values), unless it is a
 * vague one (see VAGUE) and the file name's extension is known: then the extension's.
 */
export function resolveMediaType(declared: string | undefined, fileName: string | null): string {
  const type = (declared ?? '').split(';')[0].trim().toLowerCase();
  if (type && !VAGUE.has(type)) return ALIASES[type] ?? type;
  const guess = fileName ? BY_EXTENSION[path.extname(fileName).toLowerCase()] : undefined;
  return guess ?? (type || 'application/octet-stream');
}

/** Whether a file's type or name says its fields are separated by tabs. */
export function isTabSeparated(mediaType: string, fileName: string | null): boolean {
  const type = mediaType.split(';')[0].trim().toLowerCase();
  if ((ALIASES[type] ?? type) === TSV_MEDIA_TYPE) return true;
  return fileName !== null && BY_EXTENSION[path.extname(fileName).toLowerCase()] === TSV_MEDIA_TYPE;
}

/**
 * The Content-Type a download is sent with. Taskyard writes its artifacts in UTF-8, so a text
 * artifact says so; an upload keeps the type it was stored with and no charset, since Taskyard
 * does not know the encoding its client used.
 */
export function downloadContentType(mediaType: string, isArtifact: boolean): string {
  if (!isArtifact || !mediaType.startsWith('text/') || /;\s*charset=/i.test(mediaType)) {
    return mediaType;
  }
  return `${mediaType}; charset=utf-8`;
}

/** The client's file name as metadata: no directories, no control characters, at most 255 code points. */
export function cleanFileName(raw: string | undefined): string | null {
  if (!raw) return null;
  const base =
    raw
      .replace(/\p{Cc}/gu, '')
      .split(/[\\/]/)
      .pop() ?? '';
  // By code points: cutting UTF-16 units could split an emoji into a lone surrogate.
  const name = Array.from(base.trim()).slice(0, 255).join('');
  return name === '' || name === '.' || name === '..' ? null : name;
}
