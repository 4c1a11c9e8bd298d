import request from 'supertest';
import { startTestApp, type TestApp } from '../support/app.js';
import { bearer, createUserKey } from '../support/auth.js';
import { createFileTask, linesBuffer, TASKS_PATH, waitForTask } from '../support/tasks.js';

/**
 * csv.import parses a file with PostgreSQL's COPY … FORMAT csv when it can, else in the service:
 * both must give the same table, result and rejects.csv. Each file is imported by an app with the
 * PostgreSQL parser on and by one with it off, and everything but the table name is compared.
 */

type Parser = 'postgres' | 'node';

interface Case {
  name: string;
  content: string | Buffer;
  options: Record<string, unknown>;
  filename?: string;
  /** The parser the app with the PostgreSQL parser on ends up with. */
  parser: Parser;
}

const TYPED = [
  { name: 'id', type: 'int', nullable: false },
  { name: 'name', type: 'text' },
  { name: 'price', type: 'float' },
  { name: 'active', type: 'bool' },
  { name: 'day', type: 'date' },
];
const HEADER = 'id,name,price,active,day';
const typed = (...lines: string[]): string => [HEADER, ...lines].join('\n') + '\n';

const CASES: Case[] = [
  {
    name: 'quoted fields with delimiters and doubled quotes',
    content: typed(
      '1,"alpha, item 1",1.5,true,2020-01-02',
      '2,"say ""hi""",0.1,false,1999-12-31',
      '3,"",,,',
      '4,,"2","t","2000-02-29"',
    ),
    options: { columns: TYPED },
    parser: 'postgres',
  },
  {
    name: 'values in every accepted spelling, with spaces around them',
    content: typed(
      '+007, padded ,1e5,TRUE,2020-01-01',
      '-0,x, -2.50 ,Yes, 2021-03-04 ',
      '9223372036854775807,y,.5,n,0001-01-01',
      '-9223372036854775808,z,1E-3,F,9999-12-31',
      '5,w,123456789.123456789,0,2024-02-29',
      '6,v,1e-310,1,2000-01-01',
      '7,u,5.,no,2000-01-01',
    ),
    options: { columns: TYPED },
    parser: 'postgres',
  },
  {
    name: 'CRLF line breaks, unicode, a byte-order mark',
    content: `\ufeff${HEADER}\r\n1,Köln 🚀 “quoted”,1,y,2020-01-01\r\n2,"日本, 東京",2,n,2020-01-02\r\n`,
    options: { columns: TYPED },
    parser: 'postgres',
  },
  {
    name: 'blank lines before the header, between rows and at the end, no final line break',
    content: `\n\n${HEADER}\n1,a,1,t,2020-01-01\n\n\n2,b,2,f,2020-01-02\n\n3,c,3,t,2020-01-03`,
    options: { columns: TYPED },
    parser: 'postgres',
  },
  {
    name: 'no header, a tab-separated file',
    content: '1\tone\t1.25\n2\t"two\tfields"\t\n3\t\t-1\n',
    filename: 'data.tsv',
    options: {
      header: false,
      columns: [
        { name: 'n', type: 'int' },
        { name: 's', type: 'text' },
        { name: 'f', type: 'float' },
      ],
    },
    parser: 'postgres',
  },
  {
    name: 'semicolons and a single-quote quote character, undeclared text columns',
    content: "a;b;c\n'x;y';'it''s';\n' spaced ';;'\"'\n",
    options: { delimiter: ';', quote: "'" },
    parser: 'postgres',
  },
  {
    name: 'lines of spaces or delimiters are records',
    content: 'a,b\n , \n,\n" ",""\n',
    options: {},
    parser: 'postgres',
  },
  {
    name: 'a quoted field across lines',
    content: typed('1,"two\nlines",1,t,2020-01-01', '2,b,2,f,2020-01-02'),
    options: { columns: TYPED },
    parser: 'node',
  },
  {
    name: 'a quoted field across CRLF lines',
    content: `${HEADER}\r\n1,"two\r\nlines",1,t,2020-01-01\r\n`,
    options: { columns: TYPED },
    parser: 'node',
  },
  {
    name: 'line breaks of both kinds',
    content: `${HEADER}\n1,a,1,t,2020-01-01\r\n2,b,2,f,2020-01-02\n`,
    options: { columns: TYPED },
    parser: 'node',
  },
  {
    name: 'a lone carriage return',
    content: `${HEADER}\n1,a\rb,1,t,2020-01-01\n`,
    options: { columns: TYPED },
    parser: 'node',
  },
  {
    name: 'quotes inside an unquoted field, text after a closing quote',
    content: typed('1,ab"c,1,t,2020-01-01', '2,"ab"c,1,t,2020-01-01', '3,ok,1,t,2020-01-01'),
    options: { columns: TYPED },
    parser: 'node',
  },
  {
    name: 'values PostgreSQL accepts and the service does not',
    content: typed(
      '0x10,a,1,t,2020-01-01',
      '1_000,b,1,t,2020-01-01',
      '1,c,NaN,t,2020-01-01',
      '2,d,Infinity,t,2020-01-01',
      '3,e,0x10,t,2020-01-01',
      '4,f,1,tru,2020-01-01',
      '5,g,1,on,2020-01-01',
      '6,h,1,t,01/02/2000',
      '7,i,1,t,2000-1-2',
      '8,j,1,t,epoch',
      '9,k,1,t,20000101',
      '10,l, ,t,2020-01-01',
    ),
    options: { columns: TYPED },
    parser: 'node',
  },
  {
    name: 'a negative zero',
    content: typed('1,a,-0,t,2020-01-01', '2,b,-0.0e3,t,2020-01-01'),
    options: { columns: TYPED },
    parser: 'node',
  },
  {
    name: 'values out of range or not dates',
    content: typed(
      '9223372036854775808,a,1,t,2020-01-01',
      '1,b,1e400,t,2020-01-01',
      '2,c,1e-400,t,2020-01-01',
      '3,d,1,t,2021-02-29',
      '4,e,1,t,0000-01-01',
    ),
    options: { columns: TYPED },
    parser: 'node',
  },
  {
    name: 'a missing required value, a wrong field count',
    content: typed(
      ',a,1,t,2020-01-01',
      '1,b,1,t',
      '2,c,1,t,2020-01-01,extra',
      '3,d,1,t,2020-01-01',
    ),
    options: { columns: TYPED },
    parser: 'node',
  },
  {
    name: 'a NUL character in text',
    content: typed('1,a\u0000b,1,t,2020-01-01', '2,b,1,t,2020-01-01'),
    options: { columns: TYPED },
    parser: 'node',
  },
  {
    name: 'a windows-1252 file',
    content: Buffer.from('id,city\n1,K\xf6ln\n', 'latin1'),
    options: { encoding: 'windows-1252' },
    parser: 'node',
  },
  {
    name: 'an end-of-data marker line',
    content: 'v\n1\n\\.\n2\n',
    options: {},
    parser: 'postgres',
  },
  {
    name: 'a single column with quoted empty lines',
    content: 'v\n""\nx\n',
    options: {},
    parser: 'node',
  },
  {
    name: 'a record longer than the PostgreSQL parser takes',
    content: `a,b\n1,${'x'.repeat(600_000)}\n2,y\n`,
    options: {},
    parser: 'node',
  },
  {
    name: 'many rows across read chunks, quoted fields among them',
    content: linesBuffer(30_000, (i) =>
      i === 0 ? `${HEADER}\n` : `${i},"item, ${i}",${i / 8},${i % 2 === 0},2020-01-01\n`,
    ),
    options: { columns: TYPED },
    parser: 'postgres',
  },
  {
    name: 'one bad row deep inside',
    content: linesBuffer(30_000, (i) =>
      i === 0
        ? `${HEADER}\n`
        : i === 29_000
          ? `${i},bad,not a number,t,2020-01-01\n`
          : `${i},"item, ${i}",${i / 8},t,2020-01-01\n`,
    ),
    options: { columns: TYPED },
    parser: 'node',
  },
  {
    name: 'a date that does not exist deep inside, which only PostgreSQL finds',
    content: linesBuffer(30_000, (i) =>
      i === 0
        ? `${HEADER}\n`
        : `${i},"item, ${i}",${i / 8},t,${i === 29_500 ? '2021-02-29' : '2020-01-01'}\n`,
    ),
    options: { columns: TYPED },
    parser: 'node',
  },
];

interface Outcome {
  status: string;
  error: unknown;
  parser?: Parser;
  result: Record<string, unknown> | null;
  rows: string[];
  rejects: string | null;
}

describe('csv.import: the PostgreSQL parser and the service parser agree', () => {
  const apps: Record<'on' | 'off', { app: TestApp; key: string }> = {} as never;

  beforeAll(async () => {
    for (const [name, setting] of [
      ['on', 'true'],
      ['off', 'false'],
    ] as const) {
      const app = await startTestApp({
        env: { JOBS_POLL_INTERVAL_MS: '100', CSV_IMPORT_POSTGRES_PARSER: setting },
      });
      apps[name] = { app, key: await createUserKey(app.baseUrl, 'acme') };
    }
  });
  afterAll(async () => {
    await apps.on?.app.close();
    await apps.off?.app.close();
  });

  const importWith = async (side: 'on' | 'off', c: Case): Promise<Outcome> => {
    const { app, key } = apps[side];
    const created = await createFileTask(
      app.baseUrl,
      key,
      'csv.import',
      { content: c.content, filename: c.filename ?? 'data.csv' },
      c.options,
    );
    const task = await waitForTask(app.baseUrl, key, created.id, undefined, 60_000);
    const { table, parser, ...result } = (task.result ?? {}) as Record<string, unknown>;
    const rows =
      typeof table === 'string'
        ? (
            await app.database.query<{ row: string }>(
              `SELECT t::text AS row FROM ${table} t ORDER BY _line`,
            )
          ).map((r) => r.row)
        : [];
    const artifact = await request(app.baseUrl)
      .get(`${TASKS_PATH}/${task.id}/artifacts/rejects.csv`)
      .set(bearer(key));
    return {
      status: task.status,
      error: task.error,
      parser: parser as Parser | undefined,
      result: task.result ? result : null,
      rows,
      rejects: artifact.status === 200 ? artifact.text : null,
    };
  };

  it.each(CASES.map((c) => [c.name, c] as const))('%s', async (_, c) => {
    const on = await importWith('on', c);
    const off = await importWith('off', c);
    expect(off.status).toBe('succeeded');
    expect(off.parser).toBe('node');
    expect(on.parser).toBe(c.parser);
    expect({ ...on, parser: undefined }).toEqual({ ...off, parser: undefined });
  });

  it('counts a clean file as the service would, and keeps the line of every row', async () => {
    const c = CASES.find((x) => x.name.startsWith('blank lines'))!;
    const on = await importWith('on', c);
    expect(on.parser).toBe('postgres');
    expect(on.result).toMatchObject({ rowsRead: 3, rowsLoaded: 3, rowsRejected: 0, blankLines: 5 });
    expect(on.rows.map((row) => row.split(',')[0])).toEqual(['(4', '(7', '(9']);
    expect(on.rejects).toBe('line,reason,record\n');
  });

  it('falls back for a bad row deep inside, with the same reason and line', async () => {
    const c = CASES.find((x) => x.name === 'one bad row deep inside')!;
    const on = await importWith('on', c);
    expect(on.parser).toBe('node');
    expect(on.result).toMatchObject({
      rowsRead: 29_999,
      rowsLoaded: 29_998,
      rowsRejected: 1,
      rejects: [{ line: 29_001, reason: 'column "price": "not a number" is not a float' }],
    });
  });
});
