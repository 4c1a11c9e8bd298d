import { randomBytes } from 'node:crypto';
import { createReadStream } from 'node:fs';
import { stat } from 'node:fs/promises';
import {
  Agent,
  type IncomingHttpHeaders,
  type IncomingMessage,
  request as httpRequest,
} from 'node:http';
import { pipeline } from 'node:stream/promises';

export interface HttpResponse {
  status: number;
  headers: IncomingHttpHeaders;
  body: string;
}

export interface MultipartFile {
  path: string;
  name: string;
  mediaType: string;
}

/** Reads a whole response body as text. */
function collect(response: IncomingMessage): Promise<HttpResponse> {
  return new Promise((resolve, reject) => {
    const chunks: Buffer[] = [];
    response.on('data', (chunk: Buffer) => chunks.push(chunk));
    response.on('error', reject);
    response.on('end', () =>
      resolve({
        status: response.statusCode ?? 0,
        headers: response.headers,
        body: Buffer.concat(chunks).toString('utf8'),
      }),
    );
  });
}

/** node:http with a keep-alive agent, bearer auth on every request. */
export class HttpClient {
  readonly agent: Agent;
  readonly #host: string;
  readonly #port: number;

  constructor(
    baseUrl: string,
    private readonly apiKey: string,
    maxSockets = 128,
  ) {
    const url = new URL(baseUrl);
    this.#host = url.hostname;
    this.#port = Number(url.port);
    this.agent = new Agent({ keepAlive: true, maxSockets, maxFreeSockets: maxSockets });
  }

  request(
    method: string,
    path: string,
    options: { json?: unknown; headers?: Record<string, string> } = {},
  ): Promise<HttpResponse> {
    const body = options.json === undefined ? undefined : JSON.stringify(options.json);
    const headers: Record<string, string | number> = {
      authorization: `Bearer ${this.apiKey}`,
      ...options.headers,
    };
    if (body !== undefined) {
      headers['content-type'] = 'application/json';
      headers['content-length'] = Buffer.byteLength(body);
    }
    return new Promise((resolve, reject) => {
      const req = httpRequest(
        { host: this.#host, port: this.#port, method, path, headers, agent: this.agent },
        (response) => {
          collect(response).then(resolve, reject);
        },
      );
      req.on('error', reject);
      req.end(body);
    });
  }

  /** `request` that insists on `expected` and parses the JSON body. */
  async json(
    method: string,
    path: string,
    expected: number[],
    options: { json?: unknown; headers?: Record<string, string> } = {},
  ): Promise<{ body: unknown; response: HttpResponse }> {
    const response = await this.request(method, path, options);
    if (!expected.includes(response.status)) {
      throw new Error(`${method} ${path}: ${response.status} ${response.body.slice(0, 300)}`);
    }
    return { body: JSON.parse(response.body) as unknown, response };
  }

  /**
   * A multipart/form-data POST built by hand: text fields, then the file streamed from disk, with
   * its Content-Length set. Its own connection (no agent), so that it shares nothing with others.
   */
  async postMultipart(
    path: string,
    fields: Record<string, string>,
    file: MultipartFile,
  ): Promise<HttpResponse> {
    const boundary = `----bench${randomBytes(12).toString('hex')}`;
    const fieldParts = Object.entries(fields).map(
      ([name, value]) =>
        `--${boundary}\r\nContent-Disposition: form-data; name="${name}"\r\n\r\n${value}\r\n`,
    );
    const preamble = Buffer.from(
      `${fieldParts.join('')}--${boundary}\r\n` +
        `Content-Disposition: form-data; name="file"; filename="${file.name}"\r\n` +
        `Content-Type: ${file.mediaType}\r\n\r\n`,
    );
    const epilogue = Buffer.from(`\r\n--${boundary}--\r\n`);
    const { size } = await stat(file.path);
    return new Promise<HttpResponse>((resolve, reject) => {
      let answered = false;
      const req = httpRequest(
        {
          host: this.#host,
          port: this.#port,
          method: 'POST',
          path,
          agent: false,
          headers: {
            authorization: `Bearer ${this.apiKey}`,
            'content-type': `multipart/form-data; boundary=${boundary}`,
            'content-length': preamble.length + size + epilogue.length,
          },
        },
        (response) => {
          answered = true;
          collect(response).then(resolve, reject);
        },
      );
      req.on('error', (error) => {
        if (!answered) reject(error);
      });
      req.write(preamble);
      pipeline(createReadStream(file.path, { highWaterMark: 1024 * 1024 }), req, { end: false })
        .then(() => req.end(epilogue))
        .catch((error: unknown) => {
          // An early answer (an error status) ends the upload: that answer is the result.
          if (answered) return;
          req.destroy(error as Error);
          reject(error);
        });
    });
  }

  close(): void {
    this.agent.destroy();
  }
}
