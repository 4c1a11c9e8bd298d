import { type ArgumentsHost, Catch, type WsExceptionFilter } from '@nestjs/common';
import { toProblem } from '../http/to-problem.js';
import { ContextLogger, InjectLogger } from '../logging/logger.js';
import type { Ack } from './gateway.dto.js';

/**
 * Whatever a message handler or its ValidationPipe throws goes back in the message's ack as
 * `{ok: false, error}`, the problem mapped as for HTTP; the connection stays. Errors of ours are
 * logged with their stack, as the HTTP filter logs them.
 */
@Catch()
export class ProblemAckFilter implements WsExceptionFilter {
  constructor(@InjectLogger('gateway') private readonly logger: ContextLogger) {}

  catch(error: unknown, host: ArgumentsHost): void {
    const { problem, unexpected } = toProblem(error);
    if (unexpected) this.logger.error({ err: error }, 'socket message failed unexpectedly');
    // A handler's arguments: the socket, the payload, then the ack callback if the client sent one.
    const ack = host.getArgByIndex<unknown>(2);
    if (typeof ack === 'function') (ack as (answer: Ack) => void)({ ok: false, error: problem });
  }
}
