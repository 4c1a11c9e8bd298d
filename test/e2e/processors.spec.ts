import request from 'supertest';
import { startTestApp, type TestApp } from '../support/app.js';
import { bearer, createUserKey } from '../support/auth.js';
import { maxOverlap, type RunRow } from '../support/runs.js';
import {
  createFileTask,
  createTask,
  FINISHED,
  manifest,
  type TaskBody,
  taskEvents,
  TASKS_PATH,
  waitForTask,
} from '../support/tasks.js';
import { waitFor } from '../support/wait.js';

/** Markdown with known counts: see the expectations in the first test. */
const MARKDOWN = [
  '# Garden Notes',
  '',
  'Tomatoes need sun. Tomatoes need water!',
  '',
  '## Planting',
  '',
  'Plant tomatoes early. Basil likes tomatoes.',
  '',
  '```',
  '# not a heading in code',
  '```',
  '',
  'Harvest',
  '=======',
  'The end.',
  '',
].join('\n');

describe('built-in processors: text.analyze, echo, sleep and batch', () => {
  let testApp: TestApp;
  let key: string;

  beforeAll(async () => {
    testApp = await startTestApp({ env: { JOBS_POLL_INTERVAL_MS: '100' } });
    key = await createUserKey(testApp.baseUrl, 'acme');
  });
  afterAll(() => testApp.close());

  const http = () => request(testApp.baseUrl);
  const finished = (id: string, timeoutMs?: number) =>
    waitForTask(testApp.baseUrl, key, id, undefined, timeoutMs);

  const childrenOf = (parentId: string) =>
    testApp.database.query<{ id: string; status: string; type: string; parent_line: number }>(
      `SELECT id, status, type, parent_line FROM tasks WHERE parent_id = $1 ORDER BY parent_line`,
      [parentId],
    );

  describe('text.analyze', () => {
    it('counts lines, words, headings and top words of a Markdown text', async () => {
      const task = await createFileTask(
        testApp.baseUrl,
        key,
        'text.analyze',
        { content: MARKDOWN, filename: 'garden.md' },
        { topWords: 3 },
      );
      expect(task.options).toEqual({
        excludeStopWords: true,
        topWords: 3,
        wordsPerMinute: 200,
        encoding: 'utf8',
      });
      expect(task.inputFileId).toEqual(expect.any(String));
      const done = await finished(task.id);
      expect(done.status).toBe('succeeded');
      expect(done.result).toMatchObject({
        lines: 15,
        // Garden Notes 2, first paragraph 6, Planting 1, second 6, code line 5, Harvest 1, The end 2.
        words: 23,
        paragraphs: 6,
        // ATX 1 and 2, and the setext "Harvest"; the "#" inside the fence is code.
        headings: 3,
        chapters: 0,
        outline: [
          { level: 1, text: 'Garden Notes', line: 1 },
          { level: 2, text: 'Planting', line: 5 },
          { level: 1, text: 'Harvest', line: 13 },
        ],
        topWords: [
          { word: 'tomatoes', count: 4 },
          { word: 'need', count: 2 },
          { word: 'basil', count: 1 },
        ],
        bytes: Buffer.byteLength(MARKDOWN),
        topWordsApproximate: false,
      });
      expect(done.progress).toEqual({ percent: 100 });
    });

    it('keeps stop words when asked to', async () => {
      const task = await createFileTask(
        testApp.baseUrl,
        key,
        'text.analyze',
        { content: MARKDOWN, filename: 'garden.txt', contentType: 'text/plain' },
        { topWords: 3, excludeStopWords: false },
      );
      const done = await finished(task.id);
      expect((done.result as { topWords: unknown }).topWords).toEqual([
        { word: 'tomatoes', count: 4 },
        { word: 'need', count: 2 },
        { word: 'a', count: 1 },
      ]);
    });

    it('analyses a 20 MB text, counting every word', async () => {
      const line = 'alpha beta beta gamma gamma gamma\n';
      const count = Math.ceil((20 * 1024 * 1024) / line.length);
      const content = Buffer.from(line.repeat(count));
      const task = await createFileTask(testApp.baseUrl, key, 'text.analyze', {
        content,
        filename: 'big.txt',
      });
      const done = await finished(task.id, 60_000);
      expect(done.status).toBe('succeeded');
      expect(done.result).toMatchObject({
        lines: count,
        words: 6 * count,
        bytes: content.length,
        topWords: [
          { word: 'gamma', count: 3 * count },
          { word: 'beta', count: 2 * count },
          { word: 'alpha', count },
        ],
      });
      // Progress was reported on the way, not only at the end.
      const kinds = (await taskEvents(testApp.baseUrl, key, task.id)).map((e) => e.kind);
      expect(kinds).toContain('progress');
      expect(kinds.at(-1)).toBe('succeeded');
    });

    it('reads latin1 when told to', async () => {
      const task = await createFileTask(
        testApp.baseUrl,
        key,
        'text.analyze',
        { content: Buffer.from('café café crème\n', 'latin1'), filename: 'fr.txt' },
        { encoding: 'latin1' },
      );
      const done = await finished(task.id);
      expect(done.result).toMatchObject({
        words: 3,
        topWords: [
          { word: 'café', count: 2 },
          { word: 'crème', count: 1 },
        ],
      });
    });
  });

  describe('echo and sleep', () => {
    it('echo returns any JSON payload as its result', async () => {
      for (const payload of [
        'text',
        42,
        [1, 'two', { three: 3 }],
        { deep: { er: [null, true] } },
      ]) {
        const task = await createTask(testApp.baseUrl, key, { type: 'echo', payload });
        const done = await finished(task.id);
        expect(done).toMatchObject({ status: 'succeeded', result: payload });
      }
      const empty = await createTask(testApp.baseUrl, key, { type: 'echo' });
      expect(await finished(empty.id)).toMatchObject({ status: 'succeeded', result: null });
    });

    it('sleep waits its ms, reporting progress', async () => {
      const task = await createTask(testApp.baseUrl, key, { type: 'sleep', options: { ms: 400 } });
      const done = await finished(task.id);
      expect(done.status).toBe('succeeded');
      expect((done.result as { sleptMs: number }).sleptMs).toBeGreaterThanOrEqual(400);
      expect(done.progress).toEqual({ percent: 100 });
      const events = await taskEvents(testApp.baseUrl, key, task.id);
      expect(events.map((e) => e.seq)).toEqual(events.map((_, i) => i + 1));
      const progress = events.filter((e) => e.kind === 'progress');
      expect(progress.length).toBeGreaterThan(0);
      expect(progress[0].data).toMatchObject({ percent: expect.any(Number) });
    });

    it('sleep defaults to one second', async () => {
      const task = await createTask(testApp.baseUrl, key, { type: 'sleep' });
      expect(task.options).toEqual({ ms: 1000 });
      await http().post(`${TASKS_PATH}/${task.id}/cancel`).set(bearer(key));
      await finished(task.id);
    });
  });

  describe('batch', () => {
    it('runs a manifest of 50 lines as child tasks and ends with their tally', async () => {
      const specs = Array.from({ length: 50 }, (_, i) =>
        i % 2 === 0
          ? { type: 'echo', payload: { line: i + 1 } }
          : { type: 'sleep', options: { ms: 50 } },
      );
      const parent = await createFileTask(testApp.baseUrl, key, 'batch', manifest(specs));
      const done = await finished(parent.id, 30_000);
      expect(done.status).toBe('succeeded');
      expect(done.result).toEqual({ children: 50, succeeded: 50, failed: 0, cancelled: 0 });
      expect(done.children).toEqual({ total: 50, succeeded: 50, failed: 0, cancelled: 0 });

      const children = await childrenOf(parent.id);
      expect(children).toHaveLength(50);
      expect(children.map((c) => c.parent_line)).toEqual(specs.map((_, i) => i + 1));
      expect(children.every((c) => c.status === 'succeeded')).toBe(true);
      expect(children.map((c) => c.type)).toEqual(specs.map((s) => s.type));
      const first = await http()
        .get(`${TASKS_PATH}/${children[0].id}`)
        .set(bearer(key))
        .expect(200);
      expect(first.body).toMatchObject({
        parentId: parent.id,
        type: 'echo',
        result: { line: 1 },
      });
    });

    it("keeps the parent's event log gapless while its 50 children finish side by side", async () => {
      const specs = Array.from({ length: 50 }, () => ({ type: 'sleep', options: { ms: 300 } }));
      const parent = await createFileTask(testApp.baseUrl, key, 'batch', manifest(specs));
      const done = await finished(parent.id, 60_000);
      expect(done.status).toBe('succeeded');
      // Each finishing child writes the parent's progress in its own transaction.
      const runs = await testApp.database.query<RunRow>(
        `SELECT id AS job_id, started_at, finished_at AS ended_at FROM tasks WHERE parent_id = $1`,
        [parent.id],
      );
      expect(maxOverlap(runs)).toBeGreaterThan(1);

      const log = await testApp.database.query<{ seq: number; kind: string; data: unknown }>(
        `SELECT seq, kind, data FROM task_events WHERE task_id = $1 ORDER BY seq`,
        [parent.id],
      );
      expect(log.map((e) => e.seq)).toEqual(Array.from({ length: done.lastSeq }, (_, i) => i + 1));
      expect(log.filter((e) => FINISHED.includes(e.kind as never))).toEqual([
        expect.objectContaining({ seq: done.lastSeq, kind: 'succeeded' }),
      ]);
      const childCounts = log.flatMap((e) => {
        const message = (e.data as { message?: string } | null)?.message ?? '';
        const found = /^(\d+) of 50 children finished$/.exec(message);
        return found ? [Number(found[1])] : [];
      });
      expect(childCounts.length).toBeGreaterThan(0);
      // Counted once each, in order: no child's count lost, repeated or overtaken.
      expect(childCounts).toEqual([...new Set(childCounts)].sort((a, b) => a - b));
      const served = await taskEvents(testApp.baseUrl, key, parent.id);
      expect(served.map((e) => [e.seq, e.kind])).toEqual(log.map((e) => [e.seq, e.kind]));
    });

    it('fails a manifest with bad lines, naming them, and creates no child', async () => {
      const lines = [
        JSON.stringify({ type: 'echo', payload: 1 }),
        JSON.stringify({ type: 'echo', payload: 2 }),
        JSON.stringify({ type: 'no.such.type' }),
        JSON.stringify({ type: 'sleep', options: { ms: 10 } }),
        '',
        JSON.stringify({ type: 'echo', payload: 3 }),
        '{"type": "echo", ',
        JSON.stringify({ type: 'echo', payload: 4 }),
      ];
      const parent = await createFileTask(testApp.baseUrl, key, 'batch', {
        content: lines.join('\n') + '\n',
        filename: 'bad.ndjson',
      });
      const done = await finished(parent.id);
      expect(done.status).toBe('failed');
      expect(done.attempts).toBe(1);
      expect(done.error?.detail).toMatch(/\b2 line\(s\)/);
      expect(done.error?.detail).toContain('line 3');
      expect(done.error?.detail).toContain('line 7');
      expect(done.error?.detail).not.toMatch(/line [124568]\b/);
      expect(await childrenOf(parent.id)).toEqual([]);
    });

    it('cancels the unfinished children with their parent', async () => {
      const specs = Array.from({ length: 4 }, () => ({
        type: 'sleep',
        options: { ms: 20_000 },
      }));
      const parent = await createFileTask(testApp.baseUrl, key, 'batch', manifest(specs));
      await waitFor('the children to be running', async () => {
        const children = await childrenOf(parent.id);
        return children.length === 4 && children.every((c) => c.status === 'running');
      });
      const parentNow = await waitForTask(testApp.baseUrl, key, parent.id, ['running']);
      expect(parentNow.children).toMatchObject({ total: 4, succeeded: 0 });

      await http().post(`${TASKS_PATH}/${parent.id}/cancel`).set(bearer(key)).expect(202);
      const cancelled = await waitForTask(testApp.baseUrl, key, parent.id, ['cancelled']);
      expect(cancelled.error?.type).toBe('urn:taskyard:problem:task-cancelled');
      // Cancelled, not ended by their 20 s sleep.
      await waitFor('every child to be cancelled', async () =>
        (await childrenOf(parent.id)).every((c) => c.status === 'cancelled'),
      );
      const [child] = await childrenOf(parent.id);
      const childView = (await http().get(`${TASKS_PATH}/${child.id}`).set(bearer(key)).expect(200))
        .body as TaskBody;
      expect(childView.error?.type).toBe('urn:taskyard:problem:task-cancelled');
    });
  });
});
