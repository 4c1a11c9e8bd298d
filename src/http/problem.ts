import { STATUS_CODES } from 'node:http';
import { HttpException } from '@nestjs/common';

/** An RFC 9457 problem details object, as sent with `Content-Type: application/problem+json`. */
export interface Problem {
  type: string;
  title: string;
  status: number;
  detail: string;
  instance?: string;
  [extension: string]: unknown;
}

const TYPE_PREFIX = 'urn:taskyard:problem:';

/** Stable problem types for plain HTTP errors; docs/problems.md lists every type. */
const SLUG_BY_STATUS: Record<number, string> = {
  400: 'bad-request',
  401: 'unauthorized',
  403: 'forbidden',
  404: 'not-found',
  405: 'method-not-allowed',
  406: 'not-acceptable',
  409: 'conflict',
  410: 'gone',
  412: 'precondition-failed',
  413: 'payload-too-large',
  415: 'unsupported-media-type',
  422: 'validation-failed',
  429: 'rate-limited',
  500: 'internal-error',
  503: 'unavailable',
};

export function problemType(slug: string): string {
  return `${TYPE_PREFIX}${slug}`;
}

export function problemTypeForStatus(status: number): string {
  return problemType(SLUG_BY_STATUS[status] ?? (status >= 500 ? 'internal-error' : 'bad-request'));
}

export interface ProblemInit {
  status: number;
  /** The last part of the type URI, e.g. `validation-failed`. Defaults to the status's own type. */
  slug?: string;
  title?: string;
  detail: string;
  /** Extension members (RFC 9457 §3.2), e.g. `errors` for field errors. */
  extensions?: Record<string, unknown>;
  headers?: Record<string, string>;
}

/** The problem object itself, as HTTP bodies and Socket.IO acks and errors carry it. */
export function problemOf(init: Omit<ProblemInit, 'headers'>): Problem {
  return {
    ...init.extensions,
    type: init.slug ? problemType(init.slug) : problemTypeForStatus(init.status),
    title: init.title ?? STATUS_CODES[init.status] ?? 'Error',
    status: init.status,
    detail: init.detail,
  };
}

/**
 * Thrown by any layer to answer with a specific problem; `toProblem` renders it, for HTTP and
 * Socket.IO alike.
 */
export class ProblemException extends HttpException {
  readonly problem: Problem;
  readonly headers: Record<string, string>;

  constructor(init: ProblemInit) {
    super(init.detail, init.status);
    this.problem = problemOf(init);
    this.headers = init.headers ?? {};
  }
}

/** 413 for a file or artifact past MAX_UPLOAD_BYTES. */
export function uploadTooLarge(maxBytes: number): ProblemException {
  return new ProblemException({
    status: 413,
    detail: `The file exceeds the upload limit of ${maxBytes} bytes.`,
    extensions: { maxBytes },
  });
}
