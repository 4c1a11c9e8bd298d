// A remote worker process of bench:remote: the SDK (src/worker-client) serving one type with a
// no-op handler. Prints `ready`, then `started <task id> <epoch ms>` for each handler start (in
// batches, so printing costs little), and `stopped` after SIGTERM has drained it.
//   node dist-bench/bench/lib/remote-worker-child.js <url> <key> <name> <type> <concurrency> <wait s>
import { TaskyardWorker } from '../../src/worker-client/index.js';

const [url, key, name, type, concurrency, waitSeconds] = process.argv.slice(2);
if (!url || !key || !name || !type) {
  console.error('usage: remote-worker-child <url> <key> <name> <type> <concurrency> <wait s>');
  process.exit(2);
}
let pending: string[] = [];
const flush = (): void => {
  if (pending.length > 0) process.stdout.write(`${pending.join('\n')}\n`);
  pending = [];
};
const flusher = setInterval(flush, 20);

const worker = new TaskyardWorker({
  url,
  key,
  name,
  waitSeconds: Number(waitSeconds ?? 20),
  types: {
    [type]: {
      input: 'payload',
      concurrency: Number(concurrency ?? 1),
      // Epoch time with sub-millisecond precision: the bench compares it with its own clock.
      handler: async (task) => {
        pending.push(`started ${task.id} ${performance.timeOrigin + performance.now()}`);
        return null;
      },
    },
  },
});
await worker.start();
console.log('ready');
process.once('SIGTERM', () => {
  void worker.stop({ timeoutMs: 10_000 }).then(() => {
    clearInterval(flusher);
    flush();
    console.log('stopped');
    process.exit(0);
  });
});
