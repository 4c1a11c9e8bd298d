import type { ArgumentsHost } from '@nestjs/common';
import { GatewayBusyError } from '../../src/gateway/gateway-reads.js';
import type { Ack } from '../../src/gateway/gateway.dto.js';
import { ProblemAckFilter } from '../../src/gateway/problem-ack.filter.js';
import { ProblemException } from '../../src/http/problem.js';
import { toProblem } from '../../src/http/to-problem.js';
import type { ContextLogger } from '../../src/logging/logger.js';

/** Runs the filter as Nest does for a failed message: (socket, payload, ack, pattern). */
function ackFor(error: unknown): { ack?: Ack; logged: number } {
  const answers: Ack[] = [];
  let logged = 0;
  const logger = { error: () => logged++ } as unknown as ContextLogger;
  const args = [{}, { taskId: 'x' }, (answer: Ack) => answers.push(answer), 'subscribe'];
  const host = { getArgByIndex: (i: number) => args[i] } as unknown as ArgumentsHost;
  new ProblemAckFilter(logger).catch(error, host);
  return { ack: answers[0], logged };
}

describe('problem acks (ProblemAckFilter)', () => {
  it('answers a ProblemException with its problem, as HTTP would without the instance', () => {
    const error = new ProblemException({ status: 409, detail: 'full', extensions: { max: 2 } });
    expect(ackFor(error)).toEqual({
      ack: { ok: false, error: toProblem(error).problem },
      logged: 0,
    });
    expect(toProblem(error).problem).toEqual({
      type: 'urn:taskyard:problem:conflict',
      title: 'Conflict',
      status: 409,
      detail: 'full',
      max: 2,
    });
    expect(toProblem(error, '/api/v1/tasks').problem.instance).toBe('/api/v1/tasks');
  });

  it('answers a busy live feed 503 with retryAfter', () => {
    expect(ackFor(new GatewayBusyError()).ack).toMatchObject({
      ok: false,
      error: { type: 'urn:taskyard:problem:unavailable', status: 503, retryAfter: 1 },
    });
  });

  it('answers an error of ours 500 without its message, and logs it', () => {
    const { ack, logged } = ackFor(new Error('secret internals'));
    expect(ack).toMatchObject({ ok: false, error: { status: 500 } });
    expect(JSON.stringify(ack)).not.toContain('secret');
    expect(logged).toBe(1);
  });

  it('sends nothing when the message came without an ack', () => {
    const host = { getArgByIndex: () => undefined } as unknown as ArgumentsHost;
    const logger = { error: () => undefined } as unknown as ContextLogger;
    expect(() => new ProblemAckFilter(logger).catch(new Error('x'), host)).not.toThrow();
  });
});
