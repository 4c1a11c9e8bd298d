import { HttpException } from '@nestjs/common';
import { isDatabaseUnavailable } from './database-unavailable.js';
import { type Problem, ProblemException, problemOf, problemType } from './problem.js';

/** What a 503 for an unreachable database asks the client to wait, in seconds. */
const RETRY_AFTER_S = 5;

export interface RenderedProblem {
  problem: Problem;
  headers: Record<string, string>;
  /** True when the error is ours, not the client's: it is logged with its stack. */
  unexpected: boolean;
}

interface BodyParseError extends Error {
  type: 'entity.parse.failed';
}

/**
 * Turns anything thrown while serving a request or a Socket.IO message into a problem details
 * object: one mapping for both. `instance` is the request's path (Socket.IO has none).
 */
export function toProblem(error: unknown, instance?: string): RenderedProblem {
  if (error instanceof ProblemException) {
    return { problem: at(error.problem, instance), headers: error.headers, unexpected: false };
  }
  if (error instanceof HttpException && isBodyParseError(error.cause)) {
    return { problem: malformedBody(error.cause, instance), headers: {}, unexpected: false };
  }
  if (isDatabaseUnavailable(error)) {
    return {
      problem: {
        ...base(503, instance, 'The database cannot be reached at the moment; try again shortly.'),
      },
      headers: { 'Retry-After': String(RETRY_AFTER_S) },
      unexpected: false,
    };
  }
  if (error instanceof HttpException) {
    const status = error.getStatus();
    return {
      problem: base(status, instance, messageOf(error.getResponse()) ?? error.message),
      headers: {},
      unexpected: status >= 500,
    };
  }
  return {
    problem: base(
      500,
      instance,
      'An unexpected error occurred. Quote the request id when reporting it.',
    ),
    headers: {},
    unexpected: true,
  };
}

function base(status: number, instance: string | undefined, detail: string): Problem {
  return at(problemOf({ status, detail }), instance);
}

function at(problem: Problem, instance: string | undefined): Problem {
  return instance === undefined ? { ...problem } : { ...problem, instance };
}

function malformedBody(error: BodyParseError, instance: string | undefined): Problem {
  return {
    ...base(400, instance, `The request body is not valid JSON: ${error.message}`),
    type: problemType('malformed-body'),
    title: 'Malformed request body',
  };
}

/** body-parser's error for a body that does not parse; Nest wraps it in a BadRequestException. */
function isBodyParseError(cause: unknown): cause is BodyParseError {
  return (
    cause instanceof Error && (cause as Partial<BodyParseError>).type === 'entity.parse.failed'
  );
}

/** Nest's exceptions carry `{ message: string | string[] }` or a plain string. */
function messageOf(response: string | object): string | undefined {
  if (typeof response === 'string') return response;
  const message = (response as { message?: unknown }).message;
  if (Array.isArray(message)) return message.join('; ');
  return typeof message === 'string' ? message : undefined;
}
