import type { PipeTransform } from '@nestjs/common';
import { isUuid } from '../auth/api-keys.service.js';
import { ProblemException } from './problem.js';
import { validationProblem } from './validation.js';

/**
 * A path id that is not a UUID names nothing: 404, as an unknown id does, before any service or
 * query sees it. `resource` names what the id is of ("task" → "There is no task with id x.").
 */
export class IdParam implements PipeTransform<string, string> {
  constructor(private readonly resource: string) {}

  transform(id: string): string {
    if (isUuid(id)) return id;
    throw new ProblemException({
      status: 404,
      detail: `There is no ${this.resource} with id ${id}.`,
    });
  }
}

const IDEMPOTENCY_KEY = /^[\x21-\x7e]{1,200}$/;

/**
 * The `Idempotency-Key` header, when sent: 1 to 200 visible ASCII characters, else 422. A function,
 * not a pipe: `@Headers()` takes no pipe, and a decorator of our own would drop the header from
 * the OpenAPI document.
 */
export function checkIdempotencyKey(key: string | undefined): string | undefined {
  if (key === undefined || IDEMPOTENCY_KEY.test(key)) return key;
  throw validationProblem([
    {
      field: 'Idempotency-Key',
      messages: ['Idempotency-Key must be 1 to 200 visible ASCII characters'],
    },
  ]);
}

/** The seconds of a `Prefer: wait=N` header; 0 without one. */
export function preferredWait(prefer: string | undefined): number {
  const seconds = /(?:^|[,;\s])wait\s*=\s*(\d+)/i.exec(prefer ?? '')?.[1];
  return seconds ? Number(seconds) : 0;
}
