import { appendFileSync } from 'node:fs';

/**
 * A fetch keyed by the `paths` type openapi-typescript generates: the path, its parameters, the
 * body and the statuses a caller may expect all come from the document, so a program written
 * against it stops compiling when the document stops describing what it does.
 */
export type Method = 'get' | 'put' | 'post' | 'patch' | 'delete';

type OperationOf<Item, M extends Method> = Item extends { [K in M]: infer O } ? O : never;

/** The paths of the document that have an operation for `M`. */
export type PathsWith<Paths, M extends Method> = {
  [P in keyof Paths]: [OperationOf<Paths[P], M>] extends [never] ? never : P;
}[keyof Paths] &
  string;

type ParametersOf<O> = O extends { parameters: infer X } ? X : never;
type RequestContent<B> = [B] extends [never] ? never : B extends { content: infer C } ? C : never;
type ContentOf<O> = O extends { requestBody?: infer B } ? RequestContent<NonNullable<B>> : never;
type BodyInput<O> = [ContentOf<O>] extends [never]
  ? { json?: never; form?: never }
  : | ('application/json' extends keyof ContentOf<O>
        ? { json: ContentOf<O>['application/json']; form?: never }
        : never)
    | ('multipart/form-data' extends keyof ContentOf<O>
        ? { form: ContentOf<O>['multipart/form-data'] & FormFields; json?: never }
        : never);

/** A form's parts are text or files, whatever the document says of them. */
type FormFields = Record<string, string | Blob | undefined>;

/** What a call sends: the documented parameters and body, and whose key it carries. */
export type Input<O> = ParametersOf<O> &
  BodyInput<O> & {
    /** The API key, over the client's own; null sends none. */
    key?: string | null;
  };

/** A request the document does not describe, sent on purpose to see the error it gets. */
export interface UncheckedInput {
  path?: Record<string, string>;
  headers?: Record<string, string>;
  body?: string | Uint8Array | FormData;
  key?: string | null;
}

type ResponsesOf<O> = O extends { responses: infer R } ? R : never;
type BodyOf<R> = R extends { content: infer C } ? C[keyof C] : undefined;
type NamedHeaders<R> = R extends { headers: infer H }
  ? Extract<keyof { [K in keyof H as string extends K ? never : K]: H[K] }, string>
  : never;

/** A response with a documented status, its body typed as documented for that status. */
export type Reply<O> = {
  [S in keyof ResponsesOf<O>]: {
    status: S extends number ? S : number;
    body: BodyOf<ResponsesOf<O>[S]>;
    /** A response header the document names for this status. */
    header(name: NamedHeaders<ResponsesOf<O>[S]>): string | null;
  };
}[keyof ResponsesOf<O>];

/** One exchange, as the contract test checks it against the document. */
export interface Exchange {
  method: Method;
  /** The path as the document names it, e.g. /api/v1/tasks/{id}. */
  template: string;
  status: number;
  contentType: string | null;
  headers: Record<string, string>;
  body: unknown;
}

export interface ClientOptions {
  baseUrl: string;
  key: string;
  /** Called with every response, e.g. to write it down for the contract test. */
  record(exchange: Exchange): void;
}

export interface Client<Paths> {
  call<M extends Method, P extends PathsWith<Paths, M>>(
    method: M,
    path: P,
    input: Input<OperationOf<Paths[P], M>>,
  ): Promise<Reply<OperationOf<Paths[P], M>>>;
  unchecked<M extends Method, P extends PathsWith<Paths, M>>(
    method: M,
    path: P,
    input: UncheckedInput,
  ): Promise<Reply<OperationOf<Paths[P], M>>>;
}

interface Sent {
  path?: Record<string, string>;
  query?: Record<string, unknown>;
  header?: Record<string, unknown>;
  json?: unknown;
  form?: Record<string, unknown>;
  key?: string | null;
}

export function createClient<Paths>(options: ClientOptions): Client<Paths> {
  const send = async (
    method: Method,
    template: string,
    pathParams: Record<string, string> | undefined,
    query: string,
    init: { headers: Record<string, string>; body?: BodyInit; key?: string | null },
  ) => {
    const headers = new Headers(init.headers);
    // fetch adds `Cache-Control: no-cache` to a conditional request (Fetch standard), and Express
    // never answers 304 to that; max-age=0 asks the server to revalidate just the same.
    if (headers.has('If-None-Match')) headers.set('Cache-Control', 'max-age=0');
    const key = init.key === undefined ? options.key : init.key;
    if (key !== null) headers.set('Authorization', `Bearer ${key}`);
    const url = `${options.baseUrl}${fillPath(template, pathParams)}${query}`;
    const response = await fetch(url, { method: method.toUpperCase(), headers, body: init.body });
    const exchange = await readExchange(method, template, response);
    options.record(exchange);
    return {
      status: exchange.status,
      body: exchange.body,
      header: (name: string) => response.headers.get(name),
    };
  };
  return {
    call: (method, path, input) => {
      const sent = input as Sent;
      const headers = stringValues(sent.header);
      let body: BodyInit | undefined;
      if (sent.json !== undefined) {
        headers['Content-Type'] = 'application/json';
        body = JSON.stringify(sent.json);
      } else if (sent.form) body = toFormData(sent.form);
      const query = new URLSearchParams(stringValues(sent.query)).toString();
      return send(method, path, sent.path, query ? `?${query}` : '', {
        headers,
        body,
        key: sent.key,
      }) as never;
    },
    unchecked: (method, path, input) =>
      send(method, path, input.path, '', {
        headers: input.headers ?? {},
        body: input.body as BodyInit | undefined,
        key: input.key,
      }) as never,
  };
}

/** Writes each exchange as one JSON line, so a program that dies half-way leaves what it saw. */
export function appendTo(file: string): (exchange: Exchange) => void {
  return (exchange) => appendFileSync(file, `${JSON.stringify(exchange)}\n`);
}

/** Narrows a reply to one documented status; any other status throws with what came. */
export function expectStatus<R extends { status: number; body: unknown }, S extends R['status']>(
  reply: R,
  status: S,
): Extract<R, { status: S }> {
  if (reply.status !== status) {
    throw new Error(`expected ${status}, got ${reply.status}: ${JSON.stringify(reply.body)}`);
  }
  return reply as Extract<R, { status: S }>;
}

function fillPath(template: string, params: Record<string, string> = {}): string {
  return template.replace(/\{(\w+)\}/g, (_, name: string) => {
    const value = params[name];
    if (value === undefined) throw new Error(`${template}: no value for {${name}}`);
    return encodeURIComponent(value);
  });
}

function stringValues(record: Record<string, unknown> = {}): Record<string, string> {
  return Object.fromEntries(
    Object.entries(record)
      .filter(([, value]) => value !== undefined)
      .map(([name, value]) => [name, Array.isArray(value) ? value.join(',') : String(value)]),
  );
}

function toFormData(fields: Record<string, unknown>): FormData {
  const form = new FormData();
  for (const [name, value] of Object.entries(fields)) {
    if (typeof value === 'string' || value instanceof Blob) form.append(name, value);
    else if (value !== undefined) throw new Error(`form field ${name}: send text or a file`);
  }
  return form;
}

async function readExchange(
  method: Method,
  template: string,
  response: Response,
): Promise<Exchange> {
  const contentType = response.headers.get('content-type');
  const text = await response.text();
  const json = /^application\/([\w.-]+\+)?json\b/i.test(contentType ?? '');
  return {
    method,
    template,
    status: response.status,
    contentType,
    headers: Object.fromEntries(response.headers),
    body: json && text !== '' ? JSON.parse(text) : text === '' ? undefined : text,
  };
}
