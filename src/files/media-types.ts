import path from 'node:path';

const BY_EXTENSION: Record<string, string> = {
  '.csv': 'text/csv',
  '.txt': 'text/plain',
  '.md': 'text/markdown',
  '.markdown': 'text/markdown',
  '.json': 'application/json',
  '.ndjson': 'application/x-ndjson',
  '.jsonl': 'application/x-ndjson',
};

/**
 * The media type to record for an upload: the one the client declared, unless it is the generic
 * application/octet-stream (what curl and browsers send when they do not know), then the one the
 * file name's extension suggests.
 */
export function resolveMediaType(declared: string | undefined, fileName: string | null): string {
  const type = (declared ?? '').split(';')[0].trim().toLowerCase();
  if (type && type !== 'application/octet-stream') return type;
  const guess = fileName ? BY_EXTENSION[path.extname(fileName).toLowerCase()] : undefined;
  return guess ?? 'application/octet-stream';
}

/** The client's file name as metadata: no directories, no control characters, at most 255 characters. */
export function cleanFileName(raw: string | undefined): string | null {
  if (!raw) return null;
  const base =
    raw
      .replace(/\p{Cc}/gu, '')
      .split(/[\\/]/)
      .pop() ?? '';
  const name = base.trim().slice(0, 255);
  return name === '' || name === '.' || name === '..' ? null : name;
}
