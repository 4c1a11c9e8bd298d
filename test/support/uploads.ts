import { randomBytes } from 'node:crypto';
import { once } from 'node:events';
import { readdir } from 'node:fs/promises';
import http from 'node:http';
import path from 'node:path';
import request from 'supertest';
import { bearer } from './auth.js';
import { waitFor } from './wait.js';

/** POST /api/v1/files with `content` in the part `file`, as supertest's attach sends it. */
export function upload(
  baseUrl: string,
  key: string,
  content: string | Buffer,
  filename = 'data.csv',
  contentType = 'text/csv',
) {
  return request(baseUrl)
    .post('/api/v1/files')
    .set(bearer(key))
    .attach('file', Buffer.from(content), { filename, contentType });
}

/** POST /api/v1/files with a body and Content-Type exactly as given. */
export function sendRaw(baseUrl: string, key: string, contentType: string, body: string | Buffer) {
  return request(baseUrl)
    .post('/api/v1/files')
    .set(bearer(key))
    .set('Content-Type', contentType)
    .send(body);
}

export interface RawPart {
  /** The form field name. */
  name: string;
  /** Present for a file part. */
  filename?: string;
  contentType?: string;
  content: string | Buffer;
}

export interface RawMultipart {
  /** The Content-Type header, with the boundary. */
  contentType: string;
  body: Buffer;
}

/**
 * A multipart/form-data body written byte for byte, for what supertest's `attach` would change
 * (it strips directories from file names) or cannot send at all.
 */
export function multipartBody(parts: RawPart[]): RawMultipart {
  const boundary = `----taskyard-test-${randomBytes(8).toString('hex')}`;
  const chunks: Buffer[] = [];
  for (const part of parts) {
    const filename = part.filename === undefined ? '' : `; filename="${part.filename}"`;
    const type = part.contentType ? `Content-Type: ${part.contentType}\r\n` : '';
    chunks.push(
      Buffer.from(
        `--${boundary}\r\nContent-Disposition: form-data; name="${part.name}"${filename}\r\n${type}\r\n`,
      ),
      Buffer.from(part.content),
      Buffer.from('\r\n'),
    );
  }
  chunks.push(Buffer.from(`--${boundary}--\r\n`));
  return { contentType: `multipart/form-data; boundary=${boundary}`, body: Buffer.concat(chunks) };
}

/** Every file under `dir`, as paths relative to it; [] when `dir` does not exist. */
export async function filesUnder(dir: string): Promise<string[]> {
  const entries = await readdir(dir, { recursive: true, withFileTypes: true }).catch(
    (error: NodeJS.ErrnoException) => {
      if (error.code === 'ENOENT') return [];
      throw error;
    },
  );
  return entries
    .filter((entry) => entry.isFile())
    .map((entry) => path.relative(dir, path.join(entry.parentPath, entry.name)));
}

const BLOB_NAME = /^[0-9a-f]{2}\/[0-9a-f]{64}$/;

/** What a DATA_DIR holds of blobs: `<2 hex>/<sha256>` under blobs/, staged uploads in blobs/tmp. */
export function blobStore(dataDir: string) {
  const root = path.join(dataDir, 'blobs');
  return {
    /** The stored blobs, as `<2 hex>/<sha256>`. */
    blobs: async () => (await filesUnder(root)).filter((name) => BLOB_NAME.test(name)),
    staged: () => filesUnder(path.join(root, 'tmp')),
    pathOf: (sha256: string) => path.join(root, sha256.slice(0, 2), sha256),
  };
}

/**
 * The blob hashes stored under `dataDir` and those the files table refers to, each sorted: equal
 * when nothing is orphaned and nothing is missing.
 */
export async function storedAndReferencedBlobs(
  database: { query<Row extends object>(sql: string): Promise<Row[]> },
  dataDir: string,
): Promise<{ stored: string[]; referenced: string[] }> {
  const stored = (await blobStore(dataDir).blobs()).map((name) => name.slice(3));
  const rows = await database.query<{ sha256: string }>('SELECT DISTINCT sha256 FROM files');
  return { stored: stored.toSorted(), referenced: rows.map((row) => row.sha256).toSorted() };
}

export interface AbortedUpload {
  /** Bytes of the body written before the connection was destroyed. */
  written: number;
}

/**
 * Starts a multipart upload to `url` that announces `declaredBytes` of file content, writes it in
 * 64 KiB chunks until `abortAfterBytes`, waits until `staged()` says the server has begun storing
 * it, and then destroys the connection.
 */
export async function abortUploadMidway(options: {
  url: string;
  headers: Record<string, string>;
  filename: string;
  declaredBytes: number;
  abortAfterBytes: number;
  staged: () => Promise<boolean>;
}): Promise<AbortedUpload> {
  const { contentType, body } = multipartBody([
    {
      name: 'file',
      filename: options.filename,
      contentType: 'text/csv',
      content: Buffer.alloc(options.declaredBytes, 'a'),
    },
  ]);
  const req = http.request(options.url, {
    method: 'POST',
    headers: { ...options.headers, 'Content-Type': contentType, 'Content-Length': body.length },
  });
  req.on('error', () => undefined); // the connection is destroyed on purpose
  let written = 0;
  while (written < options.abortAfterBytes) {
    const chunk = body.subarray(written, written + 64 * 1024);
    written += chunk.length;
    // A server that answers early may close the connection: then no 'drain' comes.
    if (!req.write(chunk)) await Promise.race([once(req, 'drain'), once(req, 'close')]);
    if (req.destroyed) throw new Error('the server closed the connection during the upload');
  }
  await waitFor('the server to stage the upload', options.staged);
  req.destroy();
  return { written };
}
