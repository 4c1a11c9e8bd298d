// A remote worker process for the tests: the SDK (src/worker-client) serving one task type, every
// step printed as a JSON line. Its task's payload says what to do: `{sleepMs?, fail?, permanent?}`;
// with SKIP_SLEEP=1 in its environment it does not sleep (a second worker that finishes at once).
//   node dist-test/test/support/remote-worker-child.js <url> <key> <worker name> <type> [concurrency]
import { setTimeout as sleep } from 'node:timers/promises';
import { PermanentError, TaskyardWorker } from '../../src/worker-client/index.js';

interface Instructions {
  sleepMs?: number;
  fail?: string;
  permanent?: boolean;
  progress?: boolean;
}

const [url, key, name, type, concurrency] = process.argv.slice(2);
if (!url || !key || !name || !type) {
  console.error('usage: remote-worker-child <url> <key> <name> <type> [concurrency]');
  process.exit(2);
}
const say = (event: string, fields: object = {}): void => {
  console.log(JSON.stringify({ event, pid: process.pid, ...fields }));
};

const worker = new TaskyardWorker({
  url,
  key,
  name,
  waitSeconds: 5,
  onError: (error, task) => say('error', { task: task?.id, message: String(error) }),
  types: {
    [type]: {
      input: 'payload',
      concurrency: Number(concurrency ?? 1),
      handler: async (task, ctx) => {
        const instructions = (task.payload ?? {}) as Instructions;
        say('started', { id: task.id, attempt: task.attempt });
        ctx.signal.addEventListener('abort', () =>
          say('aborted', { id: task.id, reason: (ctx.signal.reason as Error).message }),
        );
        if (instructions.progress) await ctx.progress(50, 'half way');
        await sleep(process.env.SKIP_SLEEP === '1' ? 0 : (instructions.sleepMs ?? 0), undefined, {
          signal: ctx.signal,
        });
        if (instructions.fail) {
          throw instructions.permanent
            ? new PermanentError(instructions.fail, 'bad-input')
            : new Error(instructions.fail);
        }
        say('finished', { id: task.id });
        return { servedBy: name, pid: process.pid, echo: task.payload };
      },
    },
  },
});

const registration = await worker.start();
say('registered', { types: registration.types.length });
process.once('SIGTERM', () => {
  void worker.stop({ timeoutMs: 5000 }).then(() => {
    say('stopped');
    process.exit(0);
  });
});
