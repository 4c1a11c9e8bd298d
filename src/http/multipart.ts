import busboy from 'busboy';
import type { Request } from 'express';
import type { AppConfig } from '../config/app-config.js';
import { BlobStorage, BlobTooLargeError } from '../files/blob-storage.js';
import type { Upload } from '../files/files.service.js';
import { cleanFileName, resolveMediaType } from '../files/media-types.js';
import { ProblemException, uploadTooLarge } from './problem.js';

export interface MultipartForm {
  fields: Record<string, string>;
  file?: Upload;
}

export interface MultipartLimits {
  maxFileBytes: number;
  mediaTypes: ReadonlySet<string>;
}

const MAX_FIELD_BYTES = 1024 * 1024;
const MAX_FIELDS = 20;

/**
 * Reads a multipart/form-data body: its one file part (`file`) streams into storage as it arrives,
 * the other parts become text fields. Answers once the body has been read to its end. On any
 * failure (bad body, limit passed, client gone) the staged file is removed before the rejection.
 */
function readMultipart(
  request: Request,
  storage: BlobStorage,
  limits: MultipartLimits,
): Promise<MultipartForm> {
  let parser: busboy.Busboy;
  try {
    parser = busboy({
      headers: request.headers,
      // RFC 7578: names are UTF-8 (browsers and curl send them so); busboy's default is latin1.
      // `filename*` (RFC 5987), when a part has it, is preferred by busboy and names its charset.
      defParamCharset: 'utf8',
      limits: { files: 1, fields: MAX_FIELDS, fieldSize: MAX_FIELD_BYTES, parts: MAX_FIELDS + 1 },
    });
  } catch (error) {
    return Promise.reject(
      badRequest(`Not a multipart/form-data body: ${(error as Error).message}`),
    );
  }
  return new Promise((resolve, reject) => {
    const fields: Record<string, string> = {};
    let staging: Promise<Upload> | undefined;
    let fileStream: (NodeJS.ReadableStream & { destroy(error?: Error): void }) | undefined;
    let failure: Error | undefined;
    const fail = (error: Error): void => {
      if (failure) return;
      failure = error;
      request.unpipe(parser);
      // Ends the storage pipeline, which removes the partial file.
      fileStream?.destroy(error);
      parser.removeAllListeners('file');
      // Keep reading what the client still sends, so that it gets to read our answer.
      request.resume();
      void settle();
    };
    const settle = async (): Promise<void> => {
      const file = await staging?.catch((error: unknown) => {
        failure ??= error as Error;
        return undefined;
      });
      if (failure) {
        await file?.staged.discard();
        reject(failure);
      } else resolve({ fields, file });
    };

    parser.on('file', (name, stream, info) => {
      if (name !== 'file') {
        stream.resume();
        return fail(
          badRequest(`Unexpected file part "${name}": the file goes in the part "file".`),
        );
      }
      const fileName = cleanFileName(info.filename);
      const mediaType = resolveMediaType(info.mimeType, fileName);
      if (!limits.mediaTypes.has(mediaType)) {
        stream.resume();
        return fail(unsupportedType(mediaType, limits.mediaTypes));
      }
      fileStream = stream;
      staging = storage
        .stage(stream, { maxBytes: limits.maxFileBytes })
        .then((staged) => ({ staged, name: fileName, mediaType }))
        .catch((error: unknown) => {
          const reason =
            error instanceof BlobTooLargeError ? uploadTooLarge(limits.maxFileBytes) : error;
          fail(reason as Error);
          throw reason;
        });
    });
    parser.on('field', (name, value, info) => {
      if (info.valueTruncated)
        return fail(badRequest(`The field "${name}" exceeds ${MAX_FIELD_BYTES} bytes.`));
      fields[name] = value;
    });
    parser.on('filesLimit', () => fail(badRequest('Send one file per request.')));
    parser.on('fieldsLimit', () => fail(badRequest(`Send at most ${MAX_FIELDS} fields.`)));
    parser.on('partsLimit', () => fail(badRequest('Too many parts.')));
    parser.on('error', (error: Error) =>
      fail(badRequest(`Malformed multipart body: ${error.message}`)),
    );
    parser.on('close', () => void settle());
    request.on('close', () => {
      if (!request.complete)
        fail(badRequest('The client closed the connection during the upload.'));
    });
    request.pipe(parser);
  });
}

/**
 * A multipart upload within the configured limits: a declared Content-Length above them is
 * refused before a byte is read, and the file part is staged in storage as it arrives.
 */
export function readUpload(
  request: Request,
  storage: BlobStorage,
  limits: AppConfig['files'],
): Promise<MultipartForm> {
  checkDeclaredLength(request, limits.maxUploadBytes);
  return readMultipart(request, storage, {
    maxFileBytes: limits.maxUploadBytes,
    mediaTypes: limits.mediaTypes,
  });
}

export function isMultipart(request: Request): boolean {
  return (request.headers['content-type'] ?? '').toLowerCase().startsWith('multipart/form-data');
}

function checkDeclaredLength(request: Request, maxFileBytes: number): void {
  const declared = Number(request.headers['content-length']);
  // The parts' headers and boundaries add a little to the file's own size.
  if (Number.isFinite(declared) && declared > maxFileBytes + 64 * 1024)
    throw uploadTooLarge(maxFileBytes);
}

function badRequest(detail: string): ProblemException {
  return new ProblemException({
    status: 400,
    slug: 'malformed-multipart',
    title: 'Malformed multipart body',
    detail,
  });
}

function unsupportedType(mediaType: string, allowed: ReadonlySet<string>): ProblemException {
  return new ProblemException({
    status: 415,
    detail: `Files of type ${mediaType} are not accepted.`,
    extensions: { mediaType, accepted: [...allowed] },
  });
}
