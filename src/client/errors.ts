import type { FieldError, Problem } from './types.js';

/** The server answered with a problem (status >= 400): its fields, and the whole object. */
export class TaskyardError extends Error {
  readonly status: number;
  readonly type: string;
  readonly title: string;
  readonly detail?: string;
  /** Field errors of a 422 (and of any problem that carries them). */
  readonly errors?: FieldError[];

  constructor(readonly problem: Problem) {
    super(problem.detail ? `${problem.title}: ${problem.detail}` : problem.title);
    this.name = 'TaskyardError';
    this.status = problem.status;
    this.type = problem.type;
    this.title = problem.title;
    this.detail = problem.detail;
    this.errors = problem.errors;
  }
}

/** No answer: the connection was refused or lost, the name did not resolve, or the call timed out. */
export class TaskyardConnectionError extends Error {
  constructor(
    message: string,
    /** The URL that did not answer. */
    readonly url: string,
    readonly timedOut: boolean,
    options?: { cause?: unknown },
  ) {
    super(message, options);
    this.name = 'TaskyardConnectionError';
  }

  static timeout(url: string, ms: number): TaskyardConnectionError {
    return new TaskyardConnectionError(`no answer from ${url} within ${ms} ms`, url, true);
  }

  static unreachable(url: string, cause: unknown): TaskyardConnectionError {
    return new TaskyardConnectionError(
      `cannot reach a Taskyard service at ${url} (${reason(cause)})`,
      url,
      false,
      { cause },
    );
  }
}

/** The most telling line of a fetch failure: undici's `fetch failed` hides the reason in `cause`. */
function reason(error: unknown): string {
  let current = error as ErrorLike | undefined;
  while (isErrorLike(current?.cause)) current = current.cause;
  if (!isErrorLike(current)) return String(current);
  const { code, message } = current;
  return typeof code === 'string' && !message.includes(code) ? `${code}: ${message}` : message;
}

interface ErrorLike {
  message: string;
  code?: unknown;
  cause?: unknown;
}

/** Duck-typed: an error made in another realm (a VM context) is no `instanceof Error` here. */
function isErrorLike(value: unknown): value is ErrorLike {
  return typeof (value as ErrorLike | undefined)?.message === 'string';
}

/** The problem of an error answer; a body that is not one (a proxy's page) becomes one. */
export async function problemOf(response: Response): Promise<Problem> {
  const text = await response.text().catch(() => '');
  try {
    const body = JSON.parse(text) as Partial<Problem>;
    if (typeof body === 'object' && body !== null && typeof body.title === 'string') {
      return {
        ...body,
        type: body.type ?? 'about:blank',
        title: body.title,
        status: body.status ?? response.status,
      };
    }
  } catch {
    // not JSON: described below
  }
  return {
    type: 'about:blank',
    title: response.statusText || `HTTP ${response.status}`,
    status: response.status,
    detail: text.trim().slice(0, 500) || undefined,
  };
}

/** A Problem-shaped value (a Socket.IO refusal carries one), or undefined. */
export function asProblem(value: unknown): Problem | undefined {
  const candidate = value as Partial<Problem> | undefined;
  return typeof candidate?.status === 'number' && typeof candidate.title === 'string'
    ? (candidate as Problem)
    : undefined;
}
