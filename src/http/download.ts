import { create as contentDisposition } from 'content-disposition';
import type { Request, Response } from 'express';
import { pipeline } from 'node:stream/promises';
import rangeParser from 'range-parser';
import type { ByteRange } from '../files/blob-storage.js';
import type { FileEntity } from '../files/file.entity.js';
import type { FilesService } from '../files/files.service.js';
import { downloadContentType } from '../files/media-types.js';
import { ProblemException } from './problem.js';

/**
 * Streams a file's content with the headers a download needs: type (with charset=utf-8 for a text
 * artifact), length, disposition, ETag
 * (the sha256, strong since a blob never changes), conditional GET and a single byte range.
 */
export async function sendFile(
  request: Request,
  response: Response,
  file: FileEntity,
  files: FilesService,
): Promise<void> {
  const size = Number(file.size);
  const etag = `"${file.sha256}"`;
  response.setHeader('ETag', etag);
  response.setHeader('Accept-Ranges', 'bytes');
  response.setHeader(
    'Content-Type',
    downloadContentType(file.mediaType, file.artifactName !== null),
  );
  const name = file.name ?? file.id;
  response.setHeader(
    'Content-Disposition',
    contentDisposition(name, { fallback: asciiName(name) }),
  );
  response.setHeader('Cache-Control', 'private, no-cache');
  if (matches(request.headers['if-none-match'], etag)) {
    response.status(304).end();
    return;
  }
  const range = requestedRange(request, size, etag);
  if (range) {
    response.status(206);
    response.setHeader('Content-Range', `bytes ${range.start}-${range.end}/${size}`);
  }
  const length = range ? range.end - range.start + 1 : size;
  response.setHeader('Content-Length', String(length));
  if (request.method === 'HEAD' || length === 0) {
    response.end();
    return;
  }
  const content = await files.open(file, range);
  // A client that goes away ends the pipeline with an error: nothing to report to anyone.
  await pipeline(content, response).catch(() => undefined);
}

/**
 * The plain `filename` beside `filename*=UTF-8''…` (RFC 6266) for clients that only read that:
 * accents dropped, other non-ASCII characters as "_" (the package's "?" is not a valid file name
 * character on Windows).
 */
function asciiName(name: string): string {
  return name
    .normalize('NFKD')
    .replace(/\p{M}/gu, '')
    .replace(/[^\x20-\x7e]/gu, '_');
}

function requestedRange(request: Request, size: number, etag: string): ByteRange | undefined {
  const header = request.headers.range;
  if (!header) return undefined;
  const ifRange = request.headers['if-range'];
  if (ifRange && ifRange !== etag) return undefined;
  const parsed = rangeParser(size, header, { combine: true });
  if (parsed === -2) return undefined; // malformed: ignored, as RFC 9110 allows
  if (parsed === -1 || parsed.type !== 'bytes') {
    throw new ProblemException({
      status: 416,
      slug: 'range-not-satisfiable',
      title: 'Range Not Satisfiable',
      detail: `The file has ${size} bytes; the range "${header}" lies outside it.`,
      headers: { 'Content-Range': `bytes */${size}` },
    });
  }
  // Several ranges would need a multipart/byteranges answer: the first (combined) one is served.
  const first = parsed[0];
  return { start: first.start, end: first.end };
}

function matches(ifNoneMatch: string | undefined, etag: string): boolean {
  if (!ifNoneMatch) return false;
  return (
    ifNoneMatch === '*' ||
    ifNoneMatch.split(',').some((tag) => tag.trim().replace(/^W\//, '') === etag)
  );
}
