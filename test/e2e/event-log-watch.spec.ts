import { Client } from 'pg';
import { Database } from '../../src/database/database.js';
import { EventLogWatch } from '../../src/tasks/event-log-watch.js';
import { startTestApp, type TestApp } from '../support/app.js';
import { insertTasks } from '../support/event-writer.js';

const addEvent = (client: Client, taskId: string, seq: number) =>
  client.query(`INSERT INTO task_events (task_id, seq, kind, data) VALUES ($1, $2, 'x', '{}')`, [
    taskId,
    seq,
  ]);

/** The poll-only live feed re-reads only when EventLogWatch says events were committed. */
describe('EventLogWatch (poll-only mode)', () => {
  let testApp: TestApp;
  let watch: EventLogWatch;
  const open: Client[] = [];

  const connect = async (): Promise<Client> => {
    const client = new Client({ connectionString: testApp.database.url });
    await client.connect();
    open.push(client);
    return client;
  };

  beforeAll(async () => {
    // No worker: nothing but the test writes events.
    testApp = await startTestApp({ env: { ROLE: 'api' } });
    watch = new EventLogWatch(testApp.app.get(Database));
  });
  afterAll(async () => {
    await Promise.all(open.map((client) => client.end()));
    await testApp?.close();
  });

  it('notices an event committed after one with a higher id, and says nothing when nothing committed', async () => {
    const [early, late] = await insertTasks(testApp.database.url, 'acme', 2);
    expect(await watch.moved()).toBe(true); // the first call knows nothing yet
    expect(await watch.moved()).toBe(false);

    const slow = await connect();
    await slow.query('BEGIN');
    await addEvent(slow, early, 2); // takes the lower id, commits last
    await addEvent(await connect(), late, 2);
    expect(await watch.moved()).toBe(true);
    expect(await watch.moved()).toBe(false);

    await slow.query('COMMIT');
    expect(await watch.moved()).toBe(true);
    expect(await watch.moved()).toBe(false);
  });

  it('says nothing for an event whose transaction rolled back', async () => {
    const [task] = await insertTasks(testApp.database.url, 'acme', 1);
    await watch.moved();
    const client = await connect();
    await client.query('BEGIN');
    await addEvent(client, task, 2);
    await client.query('ROLLBACK');
    expect(await watch.moved()).toBe(false);
  });
});
