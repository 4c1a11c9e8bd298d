import { describe, expect, it } from '@jest/globals';
import type { TaskEvent } from '../../src/client/index.js';
import {
  initialValues,
  optionFields,
  placeErrors,
  readOptions,
} from '../../src/dashboard/app/views/submit/option-fields.js';
import { gaplessUpTo, mergeEvents } from '../../src/dashboard/app/views/task/event-log.js';
import { optionsSchema } from '../../src/tasks/options-schema.js';
import { CsvImportOptions } from '../../src/tasks/processors/csv/csv-import.options.js';
import { SleepOptions } from '../../src/tasks/processors/sleep.processor.js';

describe("the dashboard's options form, made from the server's options schema", () => {
  const csv = optionFields(optionsSchema(CsvImportOptions));
  const byName = (name: string) => csv.find((field) => field.name === name);

  it('has one field per option, of the kind its schema says', () => {
    expect(csv.map((f) => [f.name, f.kind])).toEqual([
      ['delimiter', 'string'],
      ['quote', 'string'],
      ['header', 'boolean'],
      ['encoding', 'enum'],
      ['columns', 'json'],
      ['maxRejectsKept', 'number'],
    ]);
    expect(byName('delimiter')).toMatchObject({ nullable: true, required: false, maxLength: 1 });
    expect(byName('maxRejectsKept')).toMatchObject({ integer: true, minimum: 0, maximum: 10_000 });
  });

  it('starts from the defaults, and sends what the inputs say', () => {
    const values = initialValues(csv);
    expect(values).toMatchObject({ quote: '"', header: true, encoding: '"utf8"', delimiter: '' });
    const read = readOptions(csv, { ...values, maxRejectsKept: '7', header: false });
    expect(read).toEqual({
      options: { quote: '"', header: false, encoding: 'utf8', maxRejectsKept: 7 },
      errors: {},
    });
  });

  it("runs the schema's checks, keyed as the server's field errors are", () => {
    const sleep = optionFields(optionsSchema(SleepOptions));
    expect(readOptions(sleep, { ms: '2.5' }).errors).toEqual({
      'options.ms': ['ms must be a whole number'],
    });
    expect(readOptions(sleep, { ms: '3600001' }).errors).toEqual({
      'options.ms': ['ms must not be greater than 3600000'],
    });
    const read = readOptions(csv, { ...initialValues(csv), quote: '\n', columns: '[{' });
    expect(Object.keys(read.errors).sort()).toEqual(['options.columns', 'options.quote']);
  });

  it("puts the server's field errors beside the fields they name", () => {
    const placed = placeErrors(
      [
        { field: 'options.columns.0.name', messages: ['name must not be _line'] },
        { field: 'options', messages: ['delimiter and quote must be different characters'] },
        { field: 'file', messages: ['csv.import needs a file with content'] },
      ],
      csv.map((f) => f.name),
    );
    expect(placed).toEqual({
      byField: {
        'options.columns': ['0.name: name must not be _line'],
        file: ['csv.import needs a file with content'],
      },
      other: ['options: delimiter and quote must be different characters'],
    });
  });
});

const event = (seq: number, kind = 'progress', replaces?: number): TaskEvent => ({
  taskId: 't',
  seq,
  kind,
  at: '2026-12-01T00:00:00Z',
  data: {},
  ...(replaces === undefined ? {} : { replaces }),
});

describe("a task page's event log", () => {
  it('keeps each event once, in seq order, whichever way it came first', () => {
    const merged = mergeEvents([event(1, 'created'), event(3)], [event(2, 'started'), event(3)]);
    expect(merged.map((e) => e.seq)).toEqual([1, 2, 3]);
    expect(gaplessUpTo(merged)).toBe(3);
  });

  it('knows where a gap begins, and a merged progress event fills the seqs it replaces', () => {
    const gap = mergeEvents([event(1, 'created'), event(2, 'started')], [event(5)]);
    expect(gaplessUpTo(gap)).toBe(2);
    const merged = mergeEvents(
      [event(1, 'created'), event(2, 'started'), event(3)],
      [event(5, 'progress', 3)],
    );
    expect(merged.map((e) => e.seq)).toEqual([1, 2, 5]);
    expect(gaplessUpTo(merged)).toBe(5);
  });
});
