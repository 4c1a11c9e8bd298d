import { fork } from 'node:child_process';
import { fileURLToPath } from 'node:url';
import type { MeasureReply, MeasureRequest, Measurement } from './measurement.js';

const CHILD_MODULE = fileURLToPath(new URL('../measure.js', import.meta.url));

/**
 * Runs one measurement in a fresh Node process, so that each system is measured with its own heap,
 * its own peak RSS and nothing left over from the system measured before it.
 */
export function runInChild(request: MeasureRequest, timeoutMs: number): Promise<Measurement> {
  return new Promise<Measurement>((resolve, reject) => {
    const child = fork(CHILD_MODULE, [], { serialization: 'json' });
    let reply: MeasureReply | undefined;
    const timer = setTimeout(() => {
      child.kill('SIGKILL');
      reject(new Error(`measurement did not finish within ${Math.round(timeoutMs / 1000)} s`));
    }, timeoutMs);
    child.once('message', (message: MeasureReply) => {
      reply = message;
    });
    child.once('error', (error) => {
      clearTimeout(timer);
      reject(error);
    });
    child.once('exit', (code, signal) => {
      clearTimeout(timer);
      if (reply?.ok) resolve(reply.measurement);
      else if (reply) reject(new Error(reply.error));
      else
        reject(
          new Error(`measurement process exited (${signal ?? `code ${code}`}) without a result`),
        );
    });
    child.send(request);
  });
}
