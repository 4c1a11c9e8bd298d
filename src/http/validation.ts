import { ValidationPipe, type ValidationError } from '@nestjs/common';
import { ProblemException } from './problem.js';

export interface FieldError {
  /** Dotted path of the field in the request body or query, e.g. `options.delimiter`. */
  field: string;
  messages: string[];
}

/** Validates every DTO; unknown fields are refused, and failures answer 422 with field errors. */
export function createValidationPipe(): ValidationPipe {
  return new ValidationPipe({
    whitelist: true,
    forbidNonWhitelisted: true,
    transform: true,
    exceptionFactory: (errors) => validationProblem(flattenValidationErrors(errors)),
  });
}

/** 422 with the field errors, and a detail that names the fields. */
export function validationProblem(fieldErrors: FieldError[], detail?: string): ProblemException {
  return new ProblemException({
    status: 422,
    slug: 'validation-failed',
    title: 'Validation failed',
    detail:
      detail ??
      `${fieldErrors.length} field(s) are invalid: ${fieldErrors.map((e) => e.field).join(', ')}`,
    extensions: { errors: fieldErrors },
  });
}

export function flattenValidationErrors(errors: ValidationError[], parent = ''): FieldError[] {
  return errors.flatMap((error) => {
    const field = parent ? `${parent}.${error.property}` : error.property;
    const own = error.constraints ? [{ field, messages: Object.values(error.constraints) }] : [];
    return [...own, ...flattenValidationErrors(error.children ?? [], field)];
  });
}
