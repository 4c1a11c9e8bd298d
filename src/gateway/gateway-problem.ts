import { STATUS_CODES } from 'node:http';
import { type Problem, problemTypeForStatus, problemType } from '../http/problem.js';

/** A problem object for an ack or a `connect_error`, built as the HTTP filter builds its bodies. */
export function gatewayProblem(
  status: number,
  detail: string,
  extensions: Record<string, unknown> = {},
  slug?: string,
): Problem {
  return {
    ...extensions,
    type: slug ? problemType(slug) : problemTypeForStatus(status),
    title: STATUS_CODES[status] ?? 'Error',
    status,
    detail,
  };
}
