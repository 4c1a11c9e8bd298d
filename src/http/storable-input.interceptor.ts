import {
  type CallHandler,
  type ExecutionContext,
  Injectable,
  type NestInterceptor,
} from '@nestjs/common';
import type { Request } from 'express';
import type { Observable } from 'rxjs';
import { findUnstorable } from './storable-json.js';
import { validationProblem } from './validation.js';

/**
 * Refuses, before any handler or pipe runs, a request whose JSON body, query or path parameters
 * hold what PostgreSQL cannot store (NUL, a lone surrogate) or nest too deeply: 422 naming the
 * field, instead of a 500 from the database or a stack overflow in a validator.
 */
@Injectable()
export class StorableInputInterceptor implements NestInterceptor {
  intercept(context: ExecutionContext, next: CallHandler): Observable<unknown> {
    if (context.getType() === 'http') {
      const request = context.switchToHttp().getRequest<Request>();
      const found =
        findUnstorable(request.params) ??
        findUnstorable(request.query) ??
        findUnstorable(request.body as unknown);
      if (found) throw validationProblem([found]);
    }
    return next.handle();
  }
}
