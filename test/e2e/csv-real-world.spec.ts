import request from 'supertest';
import { startTestApp, type TestApp } from '../support/app.js';
import { bearer, createUserKey } from '../support/auth.js';
import {
  createFileTask,
  createTask,
  type TaskBody,
  TASKS_PATH,
  type Upload,
  uploadFile,
  waitForTask,
} from '../support/tasks.js';

/** Files as public data sets ship them: spreadsheet, pandas and portal exports. */
interface ImportResult {
  table: string;
  columns: { name: string; sourceName: string | null; type: string; nullable: boolean }[];
  delimiter: string;
  rowsRead: number;
  rowsLoaded: number;
  rowsRejected: number;
  blankLines: number;
}

const resultOf = (task: TaskBody): ImportResult => {
  expect({ status: task.status, error: task.error }).toEqual({ status: 'succeeded', error: null });
  return task.result as ImportResult;
};

describe('csv.import on files from the real world', () => {
  let testApp: TestApp;
  let key: string;

  beforeAll(async () => {
    testApp = await startTestApp({ env: { JOBS_POLL_INTERVAL_MS: '100' } });
    key = await createUserKey(testApp.baseUrl, 'acme');
  });
  afterAll(() => testApp.close());

  const http = () => request(testApp.baseUrl);
  const query = (sql: string) => testApp.database.query<Record<string, unknown>>(sql);
  const importFile = async (file: Upload, options?: unknown) => {
    const task = await createFileTask(testApp.baseUrl, key, 'csv.import', file, options);
    return waitForTask(testApp.baseUrl, key, task.id);
  };
  const tableColumns = async (table: string) => {
    const [, name] = /"(.+)"$/.exec(table) ?? [];
    const rows = await testApp.database.query<{ column_name: string; data_type: string }>(
      `SELECT column_name, data_type FROM information_schema.columns
       WHERE table_schema = 'imports' AND table_name = $1 ORDER BY ordinal_position`,
      [name],
    );
    return rows.map((row) => `${row.column_name} ${row.data_type}`);
  };

  it('matches declared columns to the header by name, not by position', async () => {
    const file = { content: 'Name,ID,score\nAnn,1,2.5\nBob,2,3\n', filename: 'people.csv' };
    const result = resultOf(
      await importFile(file, {
        columns: [
          { name: 'score', type: 'float' },
          { name: 'id', type: 'int', nullable: false },
        ],
      }),
    );
    expect(await tableColumns(result.table)).toEqual([
      '_line bigint',
      'Name text',
      'id bigint',
      'score double precision',
    ]);
    expect(await query(`SELECT "Name", id::int, score FROM ${result.table} ORDER BY id`)).toEqual([
      { Name: 'Ann', id: 1, score: 2.5 },
      { Name: 'Bob', id: 2, score: 3 },
    ]);
  });

  it('renames a header field with from, and fails naming a declared column the header lacks', async () => {
    const file = { content: 'Station name,Lat (WGS84)\nOslo,59.9\n', filename: 'stations.csv' };
    const renamed = resultOf(
      await importFile(file, { columns: [{ name: 'lat', from: 'lat (wgs84)', type: 'float' }] }),
    );
    expect(await query(`SELECT * FROM ${renamed.table}`)).toEqual([
      { _line: '2', 'Station name': 'Oslo', lat: 59.9 },
    ]);

    const failed = await importFile(file, { columns: [{ name: 'latitude', type: 'float' }] });
    expect(failed.status).toBe('failed');
    expect(failed.error?.detail).toContain('declared columns not found in the header: "latitude"');
    expect(failed.error?.detail).toContain('"Station name", "Lat (WGS84)"');
  });

  it('imports a .tsv sent as application/octet-stream, as curl sends it, with tabs inferred', async () => {
    const content = 'id\tname, with comma\n1\tAnn, A.\n';
    const result = resultOf(await importFile({ content, filename: 'people.tsv' }));
    expect(result.delimiter).toBe('\t');
    expect(await query(`SELECT * FROM ${result.table}`)).toEqual([
      { _line: '2', id: '1', 'name, with comma': 'Ann, A.' },
    ]);
    // A given delimiter wins over the file's name.
    const semicolons = await importFile(
      { content: 'a;b\n1;2\n', filename: 'x.tsv' },
      {
        delimiter: ';',
      },
    );
    expect(resultOf(semicolons).columns.map((c) => c.name)).toEqual(['a', 'b']);
  });

  it('accepts the media types clients send for CSV and TSV, and types them', async () => {
    const sent = [
      ['report.csv', 'application/vnd.ms-excel', 'text/csv', ','],
      ['export', 'text/tab-separated-values', 'text/tab-separated-values', '\t'],
      ['export', 'text/tsv', 'text/tab-separated-values', '\t'],
      ['data', 'text/x-csv', 'text/csv', ','],
      ['data', 'application/csv', 'text/csv', ','],
      ['data.tab', 'application/octet-stream', 'text/tab-separated-values', '\t'],
    ];
    for (const [filename, contentType, stored, delimiter] of sent) {
      const content = delimiter === '\t' ? 'a\tb\n1\t2\n' : 'a,b\n1,2\n';
      const id = await uploadFile(testApp.baseUrl, key, { content, filename, contentType });
      const file = await http().get(`/api/v1/files/${id}`).set(bearer(key)).expect(200);
      expect([filename, contentType, file.body.mediaType]).toEqual([filename, contentType, stored]);
      const task = await createTask(testApp.baseUrl, key, { type: 'csv.import', fileId: id });
      const result = resultOf(await waitForTask(testApp.baseUrl, key, task.id));
      expect([filename, contentType, result.delimiter, result.rowsLoaded]).toEqual([
        filename,
        contentType,
        delimiter,
        1,
      ]);
    }
  });

  it('imports the headers of real exports: an empty name, repeated names, a name over 63 bytes', async () => {
    const long = 'Average daily temperature measured at the station in degrees Celsius (°C)';
    const header = `,latitude,latitude,Name,name,${long},${long} max`;
    const result = resultOf(
      await importFile({ content: `${header}\n0,1,2,a,b,3,4\n`, filename: 'pandas.csv' }),
    );
    const cut = 'Average daily temperature measured at the station in degrees Ce';
    expect(result.columns.map((c) => [c.name, c.sourceName])).toEqual([
      ['column_1', ''],
      ['latitude', 'latitude'],
      ['latitude_2', 'latitude'],
      ['Name', 'Name'],
      ['name_2', 'name'],
      [cut, long],
      [`${cut.slice(0, -2)}_2`, `${long} max`],
    ]);
    const [{ _line, ...row }] = await query(`SELECT * FROM ${result.table}`);
    expect(_line).toBe('2');
    expect(Object.values(row)).toEqual(['0', '1', '2', 'a', 'b', '3', '4']);
    expect(Object.keys(row)).toEqual(result.columns.map((c) => c.name));
  });

  it('counts blank lines instead of dropping them silently', async () => {
    const content = '\r\na,b\r\n1,2\r\n\r\n\r\n3,4\r\n\r\n';
    const result = resultOf(await importFile({ content, filename: 'gaps.csv' }));
    expect(result).toMatchObject({ rowsRead: 2, rowsLoaded: 2, blankLines: 4 });
    const noFinalBreak = resultOf(await importFile({ content: 'a\n1\n\n2', filename: 'x.csv' }));
    expect(noFinalBreak).toMatchObject({ rowsRead: 2, blankLines: 1 });
  });

  it('names the byte offset and line of the first invalid byte', async () => {
    const good = 'id,city\n1,Zürich\n2,Genève\n3,K';
    const bytes = Buffer.concat([Buffer.from(good), Buffer.from([0xf6, 0x6c, 0x6e, 0x0a])]);
    const task = await importFile({ content: bytes, filename: 'cities.csv' });
    expect(task.status).toBe('failed');
    expect(task.error?.detail).toContain(
      `not valid utf-8 at byte offset ${Buffer.byteLength(good)} (line 4)`,
    );
    const windows = resultOf(
      await importFile({ content: bytes, filename: 'cities.csv' }, { encoding: 'windows-1252' }),
    );
    expect(await query(`SELECT city FROM ${windows.table} WHERE id = '3'`)).toEqual([
      { city: 'Köln' },
    ]);
  });

  it('serves rejects.csv as UTF-8 text, and an upload without a charset it cannot know', async () => {
    const task = await importFile(
      { content: 'n,city\nx,Genève\n', filename: 'bad.csv', contentType: 'text/csv' },
      { columns: [{ name: 'n', type: 'int' }] },
    );
    expect(resultOf(task).rowsRejected).toBe(1);
    const rejects = await http()
      .get(`${TASKS_PATH}/${task.id}/artifacts/rejects.csv`)
      .set(bearer(key))
      .expect(200);
    expect(rejects.headers['content-type']).toBe('text/csv; charset=utf-8');
    expect(rejects.text).toContain('Genève');
    const upload = await http()
      .get(`/api/v1/files/${task.inputFileId}/content`)
      .set(bearer(key))
      .expect(200);
    expect(upload.headers['content-type']).toBe('text/csv');
  });
});
