import request from 'supertest';
import { RetentionHandler } from '../../src/worker/retention.handler.js';
import { startTestApp, type TestApp } from '../support/app.js';
import { ADMIN, bearer, createUserKey } from '../support/auth.js';
import {
  createFileTask,
  createTask,
  importTableOf,
  TASKS_PATH,
  uploadFile,
  waitForTask,
} from '../support/tasks.js';
import { storedAndReferencedBlobs } from '../support/uploads.js';

/** CSV with one bad row, so that csv.import stores a rejects.csv artifact beside its table. */
const CSV = 'id,name\n1,kept\nnot-a-number,bad\n';

/** TASKS_RETENTION_HOURS and FILES_RETENTION_HOURS, and a tenant's own, applied by the retention job. */
describe('data retention', () => {
  let app: TestApp;

  const http = () => request(app.baseUrl);
  const sql = <Row extends object>(text: string, values: unknown[] = []) =>
    app.database.query<Row>(text, values);
  /** Moves a task's times (and its input's upload time) `hours` into the past. */
  const age = (taskId: string, hours: number) =>
    sql(
      `UPDATE tasks SET created_at = created_at - $2 * interval '1 hour',
         finished_at = finished_at - $2 * interval '1 hour' WHERE id = $1`,
      [taskId, hours],
    );
  const ageFile = (fileId: string, hours: number) =>
    sql(`UPDATE files SET created_at = created_at - $2 * interval '1 hour' WHERE id = $1`, [
      fileId,
      hours,
    ]);
  const exists = async (table: string, id: string) =>
    (await sql<{ n: number }>(`SELECT count(*)::int AS n FROM ${table} WHERE id = $1`, [id]))[0]
      ?.n === 1;
  const setRetention = (tenant: string, body: object) =>
    http().put(`/api/v1/admin/tenants/${tenant}/limits`).set(ADMIN).send(body).expect(200);

  beforeAll(async () => {
    app = await startTestApp({
      env: { TASKS_RETENTION_HOURS: '24', FILES_RETENTION_HOURS: '48' },
    });
  });
  afterAll(() => app?.close());

  it('deletes finished tasks and unused uploads past their retention, and nothing else', async () => {
    const key = await createUserKey(app.baseUrl, 'acme');

    // Past retention: a csv.import with its table, its artifact, its events and its input.
    const old = await createFileTask(app.baseUrl, key, 'csv.import', {
      content: CSV,
      filename: 'old.csv',
      contentType: 'text/csv',
    });
    const oldDone = await waitForTask(app.baseUrl, key, old.id);
    expect(oldDone.artifacts).toHaveLength(1);
    const oldInput = old.inputFileId as string;
    await age(old.id, 25);
    await ageFile(oldInput, 49);
    // Within retention: a recent finished task.
    const recent = await createTask(app.baseUrl, key, { type: 'echo', payload: 1 });
    await waitForTask(app.baseUrl, key, recent.id);
    // Uploads: one unused past FILES_RETENTION_HOURS, one unused within it, and one past it that
    // a recent task takes as input.
    const unused = await uploadFile(app.baseUrl, key, { content: 'a\n1\n', filename: 'u.csv' });
    const young = await uploadFile(app.baseUrl, key, { content: 'b\n2\n', filename: 'y.csv' });
    const used = await uploadFile(app.baseUrl, key, { content: 'c\n3\n', filename: 'i.csv' });
    const user = await createTask(app.baseUrl, key, { type: 'csv.import', fileId: used });
    await waitForTask(app.baseUrl, key, user.id);
    await ageFile(unused, 49);
    await ageFile(young, 47);
    await ageFile(used, 49);
    // Old but not finished: a task whose queue is paused (until after the prune).
    await http().post('/api/v1/admin/queues/tasks/pause').set(ADMIN).expect(200);
    const waiting = await createTask(app.baseUrl, key, { type: 'echo', payload: 2 });
    await age(waiting.id, 100);
    const [{ sha256: unusedBlob }] = await sql<{ sha256: string }>(
      'SELECT sha256 FROM files WHERE id = $1',
      [unused],
    );

    let pruned: Awaited<ReturnType<RetentionHandler['prune']>>;
    try {
      pruned = await app.app.get(RetentionHandler).prune();
    } finally {
      await http().post('/api/v1/admin/queues/tasks/resume').set(ADMIN).expect(200);
    }
    expect(pruned).toMatchObject({ tasksDeleted: 1, filesDeleted: 2 });

    await http().get(`${TASKS_PATH}/${old.id}`).set(bearer(key)).expect(404);
    const [gone] = await sql<{ events: number; files: number; table: string | null }>(
      `SELECT (SELECT count(*)::int FROM task_events WHERE task_id = $1) AS events,
              (SELECT count(*)::int FROM files WHERE task_id = $1) AS files,
              to_regclass($2)::text AS table`,
      [old.id, importTableOf(old.id)],
    );
    expect(gone).toEqual({ events: 0, files: 0, table: null });
    // The old task's input went with the unused upload: nothing refers to it any more.
    expect(await exists('files', oldInput)).toBe(false);
    expect(await exists('files', unused)).toBe(false);
    // Every blob left is one a row refers to (the same rejects.csv may be another task's).
    const blobs = await storedAndReferencedBlobs(app.database, app.config.dataDir);
    expect(blobs.stored).toEqual(blobs.referenced);
    expect(blobs.stored).not.toContain(unusedBlob);

    for (const id of [recent.id, waiting.id, user.id]) expect(await exists('tasks', id)).toBe(true);
    for (const id of [young, used]) expect(await exists('files', id)).toBe(true);
    await waitForTask(app.baseUrl, key, waiting.id);

    const metrics = await http().get('/metrics').set(ADMIN).expect(200);
    expect(metrics.text).toMatch(/^taskyard_retention_deleted_total\{kind="tasks"\} 1$/m);
    expect(metrics.text).toMatch(/^taskyard_retention_deleted_total\{kind="files"\} 2$/m);
  });

  it("follows a tenant's own retention: 0 keeps, a shorter one deletes sooner", async () => {
    const keeper = await createUserKey(app.baseUrl, 'keeper');
    const hasty = await createUserKey(app.baseUrl, 'hasty');
    await setRetention('keeper', { taskRetentionHours: 0, fileRetentionHours: 0 });
    const limits = await setRetention('hasty', { taskRetentionHours: 1, fileRetentionHours: 1 });
    expect(limits.body).toMatchObject({
      taskRetentionHours: 1,
      fileRetentionHours: 1,
      overrides: { taskRetentionHours: 1, fileRetentionHours: 1 },
    });
    const kept = await createTask(app.baseUrl, keeper, { type: 'echo', payload: 1 });
    const keptFile = await uploadFile(app.baseUrl, keeper, { content: 'k\n', filename: 'k.csv' });
    const quick = await createTask(app.baseUrl, hasty, { type: 'echo', payload: 1 });
    const quickFile = await uploadFile(app.baseUrl, hasty, { content: 'q\n', filename: 'q.csv' });
    await waitForTask(app.baseUrl, keeper, kept.id);
    await waitForTask(app.baseUrl, hasty, quick.id);
    await age(kept.id, 1000);
    await ageFile(keptFile, 1000);
    await age(quick.id, 2);
    await ageFile(quickFile, 2);

    const pruned = await app.app.get(RetentionHandler).prune();
    expect(pruned).toMatchObject({ tasksDeleted: 1, filesDeleted: 1 });
    expect(await exists('tasks', kept.id)).toBe(true);
    expect(await exists('files', keptFile)).toBe(true);
    expect(await exists('tasks', quick.id)).toBe(false);
    expect(await exists('files', quickFile)).toBe(false);
  });
});
