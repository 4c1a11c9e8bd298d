import { problemOf, TaskyardConnectionError, TaskyardError } from './errors.js';

export interface CallOptions {
  /** Ends the call: it rejects with the signal's reason (an `AbortError`). */
  signal?: AbortSignal;
  /** How long the call may go without hearing from the server (default: the client's). */
  timeoutMs?: number;
}

export type Query = Record<string, string | number | undefined>;

export interface ApiRequest {
  method: 'GET' | 'POST' | 'PUT' | 'PATCH' | 'DELETE';
  /** Under `/api/v1`, e.g. `/tasks`. */
  path: string;
  query?: Query;
  headers?: Record<string, string>;
  json?: unknown;
  /** A streamed body, made for the call; `touch` restarts its timeout while bytes flow. */
  stream?: (touch: () => void) => StreamedBody;
}

export interface StreamedBody {
  stream: ReadableStream<Uint8Array>;
  contentType: string;
  /** Why reading the source failed, if it did (fetch hides it in a generic error). */
  failure(): unknown;
  /** Lets go of the source (an open file) when the call ended before reading all of it. */
  close(): void;
}

/** A timeout that the call restarts whenever it hears from the server or sends more bytes. */
class CallTimer {
  private readonly controller = new AbortController();
  private handle?: ReturnType<typeof setTimeout>;
  private stopped = false;
  expired = false;

  constructor(private readonly ms: number) {
    this.restart();
  }

  get signal(): AbortSignal {
    return this.controller.signal;
  }

  restart(): void {
    if (this.stopped) return;
    clearTimeout(this.handle);
    this.handle = setTimeout(() => {
      this.expired = true;
      this.controller.abort();
    }, this.ms);
  }

  stop(): void {
    this.stopped = true;
    clearTimeout(this.handle);
  }
}

/** The HTTP side of the client: one request, its key, its timeout, its errors. */
export class ApiHttp {
  constructor(
    private readonly base: string,
    private readonly key: string,
    private readonly timeoutMs: number,
    private readonly fetchImpl: typeof fetch,
  ) {}

  url(path: string, query: Query = {}): string {
    const search = new URLSearchParams();
    for (const [name, value] of Object.entries(query)) {
      if (value !== undefined) search.set(name, String(value));
    }
    const text = search.toString();
    return `${this.base}/api/v1${path}${text ? `?${text}` : ''}`;
  }

  /** The answer's JSON (undefined for an empty body). */
  json<T>(request: ApiRequest, options: CallOptions = {}): Promise<T> {
    return this.call(request, options, async (response) => {
      const text = await response.text();
      return (text ? JSON.parse(text) : undefined) as T;
    });
  }

  /**
   * Sends one request and reads its answer with `read`, within the call's timeout: what `read`
   * returns unread (a body stream) is under the caller's signal only. A problem answer throws a
   * TaskyardError, no answer a TaskyardConnectionError, an abort the signal's reason.
   */
  async call<T>(
    request: ApiRequest,
    options: CallOptions,
    read: (response: Response) => Promise<T>,
  ): Promise<T> {
    const url = this.url(request.path, request.query);
    const timeoutMs = options.timeoutMs ?? this.timeoutMs;
    const timer = new CallTimer(timeoutMs);
    const signal = options.signal ? AbortSignal.any([options.signal, timer.signal]) : timer.signal;
    const body = request.stream?.(() => timer.restart());
    try {
      options.signal?.throwIfAborted();
      const response = await this.fetchImpl(url, {
        method: request.method,
        headers: {
          accept: 'application/json',
          authorization: `Bearer ${this.key}`,
          ...(request.json === undefined ? {} : { 'content-type': 'application/json' }),
          ...(body ? { 'content-type': body.contentType } : {}),
          ...request.headers,
        },
        body: body
          ? body.stream
          : request.json === undefined
            ? undefined
            : JSON.stringify(request.json),
        signal,
        // Node's fetch sends a stream body only when told it may answer before the body ends. A
        // stream cannot be sent again after a redirect anyway, and with redirects allowed Node 20's
        // fetch keeps every chunk it sent (the request's copy for a resend): the upload's memory
        // would grow with the file.
        ...(body ? { duplex: 'half', redirect: 'error' } : {}),
      });
      timer.restart();
      if (response.status >= 400) throw new TaskyardError(await problemOf(response));
      return await read(response);
    } catch (error) {
      if (options.signal?.aborted) throw options.signal.reason;
      if (timer.expired) throw TaskyardConnectionError.timeout(url, timeoutMs);
      if (body?.failure()) throw body.failure();
      if (error instanceof TaskyardError || error instanceof SyntaxError) throw error;
      throw TaskyardConnectionError.unreachable(url, error);
    } finally {
      timer.stop();
      body?.close();
    }
  }
}
