import request from 'supertest';
import { startTestApp, type TestApp } from '../support/app.js';
import { bearer, createUserKey } from '../support/auth.js';
import {
  createFileTask,
  importTableOf,
  linesBuffer,
  type TaskBody,
  TASKS_PATH,
  type Upload,
  waitForTask,
} from '../support/tasks.js';

interface ImportResult {
  table: string;
  columns: { name: string; type: string; nullable: boolean }[];
  rowsRead: number;
  rowsLoaded: number;
  rowsRejected: number;
  rejects: { line: number; reason: string }[];
  bytesRead: number;
}

const TYPED_COLUMNS = [
  { name: 'id', type: 'int', nullable: false },
  { name: 'name', type: 'text' },
  { name: 'price', type: 'float' },
  { name: 'active', type: 'bool' },
  { name: 'born', type: 'date' },
];

/** Line numbers are the file's: the header is line 1. */
const TYPED_CSV = [
  'id,name,price,active,born',
  '1,Ann,1.5,true,2020-01-02',
  '2,"Bob, Jr.",2,false,1999-12-31',
  'x,Bad,1,true,2020-01-01',
  '4,Dan,abc,true,2020-01-01',
  '5,Eve,3,maybe,2020-01-01',
  '6,Fay,4,yes,2021-02-30',
  ',NoId,1,t,2020-01-01',
  '7,Gus,,f,',
  '8,Too,1',
  '9,"two',
  'lines",-2.5e3,NO,2000-02-29',
  '',
].join('\n');

const EXPECTED_REJECTS = [
  { line: 4, reason: /column "id": "x" is not an int/ },
  { line: 5, reason: /column "price": "abc" is not a float/ },
  { line: 6, reason: /column "active": "maybe" is not a bool/ },
  { line: 7, reason: /column "born": "2021-02-30" is not a date/ },
  { line: 8, reason: /column "id" is required/ },
  { line: 10, reason: /expected 5 fields, got 3/ },
];

/** The result of a succeeded import. */
const resultOf = (task: TaskBody): ImportResult => {
  // With the error, so that a failure says why.
  expect({ status: task.status, error: task.error }).toEqual({ status: 'succeeded', error: null });
  return task.result as ImportResult;
};

const csv = (content: string | Buffer, filename = 'data.csv'): Upload => ({ content, filename });

describe('built-in processors: csv.import', () => {
  let testApp: TestApp;
  let key: string;

  beforeAll(async () => {
    testApp = await startTestApp({ env: { JOBS_POLL_INTERVAL_MS: '100' } });
    key = await createUserKey(testApp.baseUrl, 'acme');
  });
  afterAll(() => testApp.close());

  const http = () => request(testApp.baseUrl);
  const query = <Row extends object>(sql: string, params?: unknown[]) =>
    testApp.database.query<Row & Record<string, unknown>>(sql, params);
  const importCsv = async (file: Upload, options?: unknown, timeoutMs?: number) => {
    const task = await createFileTask(testApp.baseUrl, key, 'csv.import', file, options);
    return waitForTask(testApp.baseUrl, key, task.id, undefined, timeoutMs);
  };
  const tableExists = async (taskId: string): Promise<boolean> => {
    const [row] = await query<{ found: string | null }>(`SELECT to_regclass($1)::text AS found`, [
      importTableOf(taskId),
    ]);
    return row?.found !== null;
  };

  it('loads typed columns, and rejects bad rows with line numbers and reasons', async () => {
    const task = await importCsv(csv(TYPED_CSV), { columns: TYPED_COLUMNS, maxRejectsKept: 3 });
    const result = resultOf(task);
    expect(result.table).toBe(importTableOf(task.id));
    expect(result).toMatchObject({
      rowsRead: 10,
      rowsLoaded: 4,
      rowsRejected: 6,
      bytesRead: Buffer.byteLength(TYPED_CSV),
    });
    expect(result.columns.map((c) => [c.name, c.type, c.nullable])).toEqual([
      ['id', 'int', false],
      ['name', 'text', true],
      ['price', 'float', true],
      ['active', 'bool', true],
      ['born', 'date', true],
    ]);
    // The first three in the result, all of them counted.
    expect(result.rejects).toHaveLength(3);
    result.rejects.forEach((reject, i) => {
      expect(reject.line).toBe(EXPECTED_REJECTS[i].line);
      expect(reject.reason).toMatch(EXPECTED_REJECTS[i].reason);
    });

    const rows = await query(
      `SELECT id::text, name, price, active, born::text FROM ${result.table} ORDER BY id`,
    );
    expect(rows).toEqual([
      { id: '1', name: 'Ann', price: 1.5, active: true, born: '2020-01-02' },
      { id: '2', name: 'Bob, Jr.', price: 2, active: false, born: '1999-12-31' },
      { id: '7', name: 'Gus', price: null, active: false, born: null },
      { id: '9', name: 'two\nlines', price: -2500, active: false, born: '2000-02-29' },
    ]);
    const types = await query<{ column_name: string; data_type: string; is_nullable: string }>(
      `SELECT column_name, data_type, is_nullable FROM information_schema.columns
       WHERE table_schema = 'imports' AND table_name = $1 ORDER BY ordinal_position`,
      [`task_${task.id.replaceAll('-', '')}`],
    );
    expect(types.map((t) => [t.column_name, t.data_type, t.is_nullable])).toEqual([
      ['_line', 'bigint', 'NO'],
      ['id', 'bigint', 'NO'],
      ['name', 'text', 'YES'],
      ['price', 'double precision', 'YES'],
      ['active', 'boolean', 'YES'],
      ['born', 'date', 'YES'],
    ]);

    // rejects.csv has every bad row, with its fields.
    expect(task.artifacts).toEqual([
      { name: 'rejects.csv', size: expect.any(Number), mediaType: 'text/csv' },
    ]);
    const download = await http()
      .get(`${TASKS_PATH}/${task.id}/artifacts/rejects.csv`)
      .set(bearer(key))
      .buffer(true)
      .parse((res, done) => {
        let text = '';
        res.setEncoding('utf8');
        res.on('data', (chunk: string) => (text += chunk));
        res.on('end', () => done(null, text));
      })
      .expect(200)
      .expect('Content-Type', /^text\/csv/);
    const lines = (download.body as string).trimEnd().split('\n');
    expect(lines[0]).toBe('line,reason,record');
    expect(lines).toHaveLength(1 + EXPECTED_REJECTS.length);
    lines.slice(1).forEach((line, i) => {
      expect(line.startsWith(`${EXPECTED_REJECTS[i].line},`)).toBe(true);
    });
    expect(lines[1]).toContain('x,Bad,1,true,2020-01-01');
    expect(lines[6]).toContain('8,Too,1');
    expect(download.headers['content-length']).toBe(String(task.artifacts?.[0]?.size));
  });

  it("honours delimiter ';' and quote \"'\"", async () => {
    const task = await importCsv(csv("a;b\n1;'x;y'\n2;plain\n"), {
      delimiter: ';',
      quote: "'",
    });
    const result = resultOf(task);
    expect(result).toMatchObject({ rowsRead: 2, rowsLoaded: 2, rowsRejected: 0 });
    expect(await query(`SELECT a, b FROM ${result.table} ORDER BY a`)).toEqual([
      { a: '1', b: 'x;y' },
      { a: '2', b: 'plain' },
    ]);
  });

  it('reads a doubled quote character inside quotes as one, whatever the quote', async () => {
    for (const [quote, content, value] of [
      ['"', 'a,b\n1,"it""s"\n', 'it"s'],
      ["'", "a,b\n1,'it''s'\n", "it's"],
      ["'", 'a,b\n1,\'say "hi"\'\n', 'say "hi"'],
    ]) {
      const result = resultOf(await importCsv(csv(content), { quote }));
      expect({ content, ...result }).toMatchObject({
        content,
        rowsRead: 1,
        rowsLoaded: 1,
        rowsRejected: 0,
      });
      expect(await query(`SELECT b FROM ${result.table}`)).toEqual([{ b: value }]);
    }
  });

  it('reads a file without a header by the declared columns', async () => {
    const task = await importCsv(csv('1,one\n2,two\n3,three\n'), {
      header: false,
      columns: [
        { name: 'n', type: 'int' },
        { name: 'word', type: 'text' },
      ],
    });
    const result = resultOf(task);
    expect(result).toMatchObject({ rowsRead: 3, rowsLoaded: 3, rowsRejected: 0 });
    expect(await query(`SELECT n::int AS n, word FROM ${result.table} ORDER BY n`)).toEqual([
      { n: 1, word: 'one' },
      { n: 2, word: 'two' },
      { n: 3, word: 'three' },
    ]);
  });

  it('decodes latin1 and utf16le', async () => {
    for (const encoding of ['latin1', 'utf16le'] as const) {
      const bytes = Buffer.from('name,drink\ncafé,crème brûlée\n', encoding);
      if (encoding === 'latin1') expect(bytes.includes(0xe9)).toBe(true);
      const result = resultOf(await importCsv(csv(bytes), { encoding }));
      expect(await query(`SELECT name, drink FROM ${result.table}`)).toEqual([
        { name: 'café', drink: 'crème brûlée' },
      ]);
    }
  });

  it('rejects a record whose quote is never closed, and loads the rows before it', async () => {
    // The open quote runs to the end of the file: lines 3 and 4 are one unfinished record.
    const task = await importCsv(csv('a,b\n1,x\n2,"unclosed\n3,z\n'));
    const result = resultOf(task);
    expect(result).toMatchObject({ rowsRead: 2, rowsLoaded: 1, rowsRejected: 1 });
    expect(result.rejects).toEqual([
      { line: 4, reason: expect.stringMatching(/quote not closed/i) },
    ]);
    expect(await query(`SELECT a, b FROM ${result.table}`)).toEqual([{ a: '1', b: 'x' }]);
  });

  it('fails on invalid UTF-8 and leaves no table', async () => {
    const bytes = Buffer.concat([
      Buffer.from('a,b\n1,ok\n2,'),
      Buffer.from([0xc3, 0x28]),
      Buffer.from('\n'),
    ]);
    const task = await importCsv(csv(bytes));
    expect(task.status).toBe('failed');
    expect(task.attempts).toBe(1);
    expect(task.error).toMatchObject({ type: 'urn:taskyard:problem:task-failed' });
    expect(task.error?.detail).toMatch(/not valid utf-8/i);
    expect(task.result).toBeNull();
    expect(await tableExists(task.id)).toBe(false);
  });

  it('fails on a record over 1 MiB, naming its line, with no table left, and keeps serving', async () => {
    const huge = 'x'.repeat(10 * 1024 * 1024);
    const task = await importCsv(csv(`a,b\n1,before\n2,${huge}\n3,after\n`), undefined, 60_000);
    expect(task.status).toBe('failed');
    expect(task.attempts).toBe(1);
    expect(task.error?.detail).toMatch(/line 3 is longer than 1048576 characters/);
    expect(await tableExists(task.id)).toBe(false);
    await http().get('/health/live').expect(200);
  });

  it('fails a file that is one 10 MB line as an over-long record, and keeps serving', async () => {
    const task = await importCsv(csv('y,'.repeat(5 * 1024 * 1024)), undefined, 60_000);
    expect(task.status).toBe('failed');
    expect(task.error?.detail).toMatch(/line 1 is longer than 1048576 characters/);
    expect(await tableExists(task.id)).toBe(false);
    const after = await importCsv(csv('a\n1\n'));
    expect(resultOf(after).rowsLoaded).toBe(1);
  });

  // Sized for the in-process app; the 200 MB import runs in test/process/tasks-processes.spec.ts.
  it('imports a 9 MB file of 200,000 rows', async () => {
    const rows = 200_000;
    const content = linesBuffer(
      rows,
      (i) =>
        `${i},name-${String(i).padStart(11, '0')},${i}.25,${i % 2 === 0},2024-01-${String((i % 28) + 1).padStart(2, '0')}\n`,
    );
    expect(content.length).toBeGreaterThan(9_000_000);
    const task = await importCsv(
      csv(Buffer.concat([Buffer.from('id,name,price,active,day\n'), content])),
      {
        columns: [
          { name: 'id', type: 'int', nullable: false },
          { name: 'name', type: 'text' },
          { name: 'price', type: 'float' },
          { name: 'active', type: 'bool' },
          { name: 'day', type: 'date' },
        ],
      },
      120_000,
    );
    const result = resultOf(task);
    expect(result).toMatchObject({ rowsRead: rows, rowsLoaded: rows, rowsRejected: 0 });
    const [stats] = await query<{ n: string; ids: string; active: string; last: string }>(
      `SELECT count(*) AS n, sum(id)::text AS ids, count(*) FILTER (WHERE active) AS active,
              max(name) AS last FROM ${result.table}`,
    );
    expect(stats).toEqual({
      n: String(rows),
      ids: String((rows * (rows - 1)) / 2),
      active: String(rows / 2),
      last: `name-${String(rows - 1).padStart(11, '0')}`,
    });
  }, 180_000);

  it('deletes a finished import with its table and its rejects.csv', async () => {
    const task = await importCsv(csv('n\n1\nx\n'), { columns: [{ name: 'n', type: 'int' }] });
    expect(resultOf(task)).toMatchObject({ rowsLoaded: 1, rowsRejected: 1 });
    expect(await tableExists(task.id)).toBe(true);
    await http().delete(`${TASKS_PATH}/${task.id}`).set(bearer(key)).expect(204);
    expect(await tableExists(task.id)).toBe(false);
    const [left] = await query<{ n: string }>(
      `SELECT count(*) AS n FROM files WHERE task_id = $1`,
      [task.id],
    );
    expect(left?.n).toBe('0');
    await http().get(`${TASKS_PATH}/${task.id}/artifacts/rejects.csv`).set(bearer(key)).expect(404);
    // The input file is free again: it can be deleted.
    await http().delete(`/api/v1/files/${task.inputFileId}`).set(bearer(key)).expect(204);
  });
});
