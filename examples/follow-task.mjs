// Follows one task live over Socket.IO and prints its events until it ends.
//   node examples/follow-task.mjs http://localhost:3000 "$KEY" "$ID"
import { followTask } from 'taskyard/client';

const [url, key, taskId] = process.argv.slice(2);
if (!url || !key || !taskId) {
  console.error('usage: node examples/follow-task.mjs <service URL> <API key> <task id>');
  process.exit(2);
}
try {
  for await (const event of followTask(url, key, taskId)) {
    // created, started, progress…, then succeeded | failed | cancelled; seq 1, 2, 3… with no gap.
    console.log(event.seq, event.kind, JSON.stringify(event.data));
  }
} catch (error) {
  // A refused key, an unknown task, a wrong URL, or a server out of reach for 15 s.
  console.error(`follow-task: ${error.message}`);
  process.exit(1);
}
