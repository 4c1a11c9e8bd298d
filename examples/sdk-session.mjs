// Imports a CSV with the SDK: uploads it, follows the task live, prints its result, saves its rejects.
//   node examples/sdk-session.mjs http://localhost:3000 "$KEY" people.csv
import { Taskyard } from 'taskyard/client';

const [url, key, file] = process.argv.slice(2);
if (!url || !key || !file) {
  console.error('usage: node examples/sdk-session.mjs <service URL> <API key> <CSV file>');
  process.exit(2);
}
const taskyard = new Taskyard({ url, key });
const columns = [{ name: 'id', type: 'int', nullable: false }];
try {
  // One request, the file streamed as it is read; progress as its bytes go out
  const task = await taskyard.submitFile(
    file,
    { type: 'csv.import', options: { columns } },
    { onUploadProgress: (p) => console.log(`uploaded ${p.loaded} of ${p.total} bytes`) },
  );
  // Live over Socket.IO (long polling where WebSocket does not get through), until it ends
  for await (const event of taskyard.follow(task.id)) {
    const { percent, message } = event.data ?? {};
    console.log(event.kind === 'progress' ? `${Math.round(percent)}% ${message}` : event.kind);
  }
  const done = await taskyard.wait(task.id); // the finished task: succeeded, failed or cancelled
  console.log(`${done.status}: ${done.result.rowsLoaded} rows loaded into ${done.result.table}`);
  const { bytes } = await taskyard.saveArtifact(task.id, 'rejects.csv', 'rejects.csv');
  console.log(`rejects.csv: ${done.result.rowsRejected} rows, ${bytes} bytes`);
} catch (error) {
  // A TaskyardError is the server's problem (status, title, field errors); no answer is a
  // TaskyardConnectionError
  console.error(`sdk-session: ${error.message}`);
  process.exit(1);
}
