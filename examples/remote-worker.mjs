// A remote worker with the SDK: serves `js.wordcount` (a payload `{text}`) from this process.
//   node examples/remote-worker.mjs http://localhost:3000 "$WORKER_KEY"
import { PermanentError, TaskyardWorker } from 'taskyard/worker';

const [url, key] = process.argv.slice(2);
if (!url || !key) {
  console.error('usage: node examples/remote-worker.mjs <service URL> <worker or admin key>');
  process.exit(2);
}
const worker = new TaskyardWorker({
  url,
  key,
  name: 'js-wordcount',
  types: {
    'js.wordcount': {
      input: 'payload',
      // Checked by the service when a task of this type is created (422 otherwise)
      options: { type: 'object', properties: { minLength: { type: 'integer', minimum: 1 } } },
      concurrency: 4,
      handler: async (task, ctx) => {
        const text = task.payload?.text;
        if (typeof text !== 'string') throw new PermanentError('payload.text is not a string');
        const words = text
          .split(/\s+/)
          .filter((word) => word.length >= (task.options?.minLength ?? 1));
        await ctx.progress(50, `${words.length} words`);
        ctx.signal.throwIfAborted(); // cancelled, or the lease went to another worker
        await ctx.uploadArtifact('words.txt', words.join('\n'), 'text/plain');
        return { words: words.length };
      },
    },
  },
});
await worker.start();
console.log('serving js.wordcount; Ctrl-C stops after the running tasks');
process.once('SIGINT', () => void worker.stop({ timeoutMs: 10_000 }));
