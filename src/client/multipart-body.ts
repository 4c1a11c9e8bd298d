import type { StreamedBody } from './http.js';
import type { OpenedSource } from './file-source.js';
import type { UploadProgress } from './types.js';

export interface FilePart {
  source: OpenedSource;
  fileName: string;
  mediaType: string;
  onProgress?: (progress: UploadProgress) => void;
}

/**
 * A multipart/form-data body streamed as it is read: the text fields, then the file's bytes as
 * the source gives them (never all in memory), counted for progress as the body is pulled.
 * `touch` is called for each piece, so that a long upload is not a timeout.
 */
export function multipartBody(
  fields: [name: string, value: string][],
  file: FilePart,
  touch: () => void,
): StreamedBody {
  const boundary = `----taskyard-${randomHex()}`;
  const head =
    fields
      .map(
        ([name, value]) =>
          `--${boundary}\r\nContent-Disposition: form-data; name="${name}"\r\n\r\n${value}\r\n`,
      )
      .join('') +
    `--${boundary}\r\nContent-Disposition: form-data; name="file"; ${fileNameParams(file.fileName)}\r\n` +
    `Content-Type: ${file.mediaType}\r\n\r\n`;
  const total = file.source.size;
  const parts = async function* (): AsyncGenerator<Uint8Array> {
    const encoder = new TextEncoder();
    yield encoder.encode(head);
    let loaded = 0;
    for await (const chunk of file.source.chunks) {
      loaded += chunk.byteLength;
      touch();
      file.onProgress?.({ loaded, total });
      yield chunk;
    }
    if (loaded === 0) file.onProgress?.({ loaded, total });
    yield encoder.encode(`\r\n--${boundary}--\r\n`);
  };
  const iterator = parts();
  let failure: unknown;
  const stream = new ReadableStream<Uint8Array>(
    {
      async pull(controller) {
        try {
          const next = await iterator.next();
          if (next.done) controller.close();
          else controller.enqueue(next.value);
        } catch (error) {
          failure = error;
          throw error;
        }
      },
      async cancel() {
        await iterator.return(undefined);
      },
    },
    // Nothing is read ahead: a piece is taken from the source when fetch asks for it.
    { highWaterMark: 0 },
  );
  return {
    stream,
    contentType: `multipart/form-data; boundary=${boundary}`,
    failure: () => failure,
    close: () => void iterator.return(undefined).catch(() => undefined),
  };
}

/** An ASCII `filename` for old parsers and the exact name as `filename*` (RFC 5987). */
function fileNameParams(name: string): string {
  const ascii = name.replace(/[^\x20-\x7e]|["\\]/g, '_');
  return `filename="${ascii}"; filename*=UTF-8''${encodeURIComponent(name).replace(/['()*]/g, (c) => `%${c.charCodeAt(0).toString(16).toUpperCase()}`)}`;
}

function randomHex(): string {
  return Array.from(crypto.getRandomValues(new Uint8Array(12)), (b) =>
    b.toString(16).padStart(2, '0'),
  ).join('');
}
