import { Injectable, Module } from '@nestjs/common';
import { Ajv } from 'ajv';
import { IsIn, IsOptional, IsString } from 'class-validator';
import request from 'supertest';
import { TaskProcessor, type TaskProcessorHandler } from '../../src/index.js';
import { startTestApp, type TestApp } from '../support/app.js';
import { bearer, createUserKey } from '../support/auth.js';
import { BUILT_IN_TYPES, TASKS_PATH } from '../support/tasks.js';

class GreetOptions {
  @IsOptional()
  @IsIn(['en', 'fr'])
  language?: string;

  @IsString()
  name: string;
}

/** A task type of a host application's, registered beside the built-in ones. */
@Injectable()
@TaskProcessor('host.greet', { input: 'payload', options: GreetOptions })
class GreetProcessor implements TaskProcessorHandler {
  process(): string {
    return 'hello';
  }
}

@Module({ providers: [GreetProcessor] })
class GreetModule {}

interface TaskType {
  type: string;
  input: 'file' | 'payload';
  mediaTypes: string[];
  options: object;
}

const long = (n: number, char = 'x'): string => char.repeat(n);

/** For each type: options both the schema and POST /tasks accept, then options both refuse. */
const CASES: Record<string, { valid: unknown[]; invalid: unknown[] }> = {
  echo: { valid: [{}], invalid: [{ a: 1 }] },
  batch: { valid: [{}], invalid: [{ a: 1 }] },
  sleep: {
    valid: [{}, { ms: 0 }, { ms: 3_600_000 }, { ms: 2.0 }],
    invalid: [{ ms: -1 }, { ms: 3_600_001 }, { ms: 1.5 }, { ms: '10' }, { ms: null }, { s: 1 }],
  },
  'text.analyze': {
    valid: [
      {},
      { topWords: 0, wordsPerMinute: 50, excludeStopWords: false, encoding: 'latin1' },
      { topWords: 100, wordsPerMinute: 2000 },
      // @IsOptional() lets null through on the server, and the schema says so.
      { topWords: null, encoding: null },
    ],
    invalid: [
      { topWords: 101 },
      { topWords: 1.5 },
      { wordsPerMinute: 49 },
      { encoding: 'ascii' },
      { excludeStopWords: 'yes' },
      { stopWords: [] },
    ],
  },
  'csv.import': {
    valid: [
      {},
      { delimiter: ';', quote: "'", header: true, encoding: 'windows-1252', maxRejectsKept: 0 },
      { delimiter: null, maxRejectsKept: 10_000 },
      {
        columns: [
          { name: 'id', type: 'int', nullable: false },
          { name: 'born', type: 'date', from: 'Born on' },
          { name: long(63) },
          { name: long(31, '\u00e9') },
        ],
      },
      { header: false, columns: [{ name: 'a' }] },
    ],
    invalid: [
      { delimiter: '' },
      { delimiter: ';;' },
      { delimiter: '\n' },
      { quote: '\r' },
      { quote: null },
      { header: 'yes' },
      { encoding: 'ascii' },
      { maxRejectsKept: 10_001 },
      { maxRejectsKept: -1 },
      { columns: [] },
      { columns: 'id' },
      { columns: [null] },
      { columns: [{}] },
      { columns: [{ name: '' }] },
      { columns: [{ name: '_line' }] },
      { columns: [{ name: long(64) }] },
      { columns: [{ name: 'a\u0000b' }] },
      { columns: [{ name: 'a', type: 'uuid' }] },
      { columns: [{ name: 'a', nullable: 'no' }] },
      { columns: [{ name: 'a', from: '' }] },
      { columns: [{ name: 'a', width: 3 }] },
      { columns: [{ name: 'a', type: null }] },
      { skipRows: 1 },
    ],
  },
  'host.greet': {
    valid: [{ name: 'Ada' }, { name: 'Ada', language: 'fr' }, { name: 'Ada', language: null }],
    invalid: [{}, { name: 1 }, { name: 'Ada', language: 'de' }, { name: 'Ada', age: 3 }],
  },
};

/**
 * What the schema cannot say, so the server alone refuses: checks across members (checkOptions)
 * and a column name's limit in bytes (JSON Schema counts characters).
 */
const SERVER_ONLY: Record<string, unknown[]> = {
  'csv.import': [
    { delimiter: '"' },
    { header: false },
    { header: false, columns: [{ name: 'a', from: 'A' }] },
    { columns: [{ name: 'a' }, { name: 'A' }] },
    { columns: [{ name: long(32, '\u00e9') }] },
  ],
};

describe('GET /api/v1/task-types', () => {
  let testApp: TestApp;
  let key: string;
  let types: TaskType[];
  const fileIds: Record<string, string> = {};
  const ajv = new Ajv({ allErrors: true, strict: true, allowUnionTypes: true });

  /** POST /tasks with these options: 202, or 422 naming an options field. */
  async function serverAccepts(type: TaskType, options: unknown): Promise<boolean> {
    const input = type.input === 'file' ? { fileId: fileIds[type.type] } : {};
    const response = await request(testApp.baseUrl)
      .post(TASKS_PATH)
      .set(bearer(key))
      .send({ type: type.type, options, ...input });
    if (response.status === 202) return true;
    expect({ options, status: response.status }).toEqual({ options, status: 422 });
    const fields = (response.body as { errors: { field: string }[] }).errors.map((e) => e.field);
    expect(fields.every((f) => f.startsWith('options'))).toBe(true);
    return false;
  }

  async function upload(name: string, mediaType: string, content: string): Promise<string> {
    const response = await request(testApp.baseUrl)
      .post('/api/v1/files')
      .set(bearer(key))
      .attach('file', Buffer.from(content), { filename: name, contentType: mediaType })
      .expect(201);
    return (response.body as { id: string }).id;
  }

  beforeAll(async () => {
    // No worker: the tasks made here only need to be accepted.
    testApp = await startTestApp({ env: { ROLE: 'api' }, modules: [GreetModule] });
    key = await createUserKey(testApp.baseUrl, 'types');
    fileIds['csv.import'] = await upload('a.csv', 'text/csv', 'a\n1\n');
    fileIds['text.analyze'] = await upload('a.txt', 'text/plain', 'Words.\n');
    fileIds.batch = await upload('a.ndjson', 'application/x-ndjson', '{"type":"echo"}\n');
    const response = await request(testApp.baseUrl)
      .get('/api/v1/task-types')
      .set(bearer(key))
      .expect(200);
    types = (response.body as { types: TaskType[] }).types;
  });
  afterAll(async () => {
    await testApp?.close();
  });

  it("lists every registered type, built-in and the host application's, by name", () => {
    expect(types.map((t) => t.type)).toEqual([...BUILT_IN_TYPES, 'host.greet'].sort());
    expect(types.find((t) => t.type === 'text.analyze')).toMatchObject({
      input: 'file',
      mediaTypes: ['text/plain', 'text/markdown'],
    });
    expect(types.find((t) => t.type === 'host.greet')).toMatchObject({
      input: 'payload',
      mediaTypes: [],
    });
  });

  it("describes csv.import's nested columns completely", () => {
    const csv = types.find((t) => t.type === 'csv.import')?.options as {
      properties: Record<string, object>;
      additionalProperties: boolean;
      required?: string[];
    };
    expect(csv.additionalProperties).toBe(false);
    expect(csv.required).toBeUndefined();
    expect(csv.properties.columns).toEqual({
      type: ['array', 'null'],
      minItems: 1,
      maxItems: 1600,
      items: {
        type: 'object',
        properties: {
          name: {
            type: 'string',
            minLength: 1,
            maxLength: 63,
            pattern: '^[^\\u0000]*$',
            not: { const: '_line' },
            description: '1 to 63 bytes of UTF-8, no NUL, not _line',
          },
          type: { enum: ['int', 'float', 'bool', 'date', 'text'], default: 'text' },
          nullable: { type: 'boolean', default: true },
          from: { type: ['string', 'null'], minLength: 1, maxLength: 10_000 },
        },
        required: ['name'],
        additionalProperties: false,
      },
    });
    expect(csv.properties.quote).toEqual({
      type: 'string',
      minLength: 1,
      maxLength: 1,
      pattern: '^[^\\r\\n]*$',
      default: '"',
    });
  });

  it('gives each type a schema that accepts and refuses options as POST /tasks does', async () => {
    expect(Object.keys(CASES).sort()).toEqual(types.map((t) => t.type));
    for (const type of types) {
      const validate = ajv.compile(type.options);
      const { valid, invalid } = CASES[type.type];
      for (const [options, expected] of [
        ...valid.map((o) => [o, true] as const),
        ...invalid.map((o) => [o, false] as const),
      ]) {
        const verdicts = { schema: validate(options), server: await serverAccepts(type, options) };
        expect({ type: type.type, options, ...verdicts }).toEqual({
          type: type.type,
          options,
          schema: expected,
          server: expected,
        });
      }
    }
  });

  it('leaves to the server the checks across members and the byte limit of a column name', async () => {
    const csv = types.find((t) => t.type === 'csv.import') as TaskType;
    const validate = ajv.compile(csv.options);
    for (const options of SERVER_ONLY['csv.import']) {
      const verdicts = { schema: validate(options), server: await serverAccepts(csv, options) };
      expect({ options, ...verdicts }).toEqual({ options, schema: true, server: false });
    }
  });

  it('answers 401 without a key', async () => {
    const response = await request(testApp.baseUrl).get('/api/v1/task-types');
    expect(response.status).toBe(401);
  });
});
