import { Injectable } from '@nestjs/common';
import { parse } from 'csv-parse';
import { once } from 'node:events';
import { PassThrough, Readable } from 'node:stream';
import { pipeline } from 'node:stream/promises';
import type { Pool, PoolClient } from 'pg';
import { from as copyFrom } from 'pg-copy-streams';
import { DataSource } from 'typeorm';
import { poolOf } from '../../database/db.js';
import { TaskInputError } from '../task-errors.js';
import {
  TaskProcessor,
  type TaskContext,
  type TaskProcessorHandler,
} from '../task-processor.decorator.js';
import {
  type CsvColumn,
  copySql,
  createTableSql,
  quoteIdentifier,
  REJECTS_CSV_HEADER,
  rejectCsvLine,
  resolveColumns,
  RowConverter,
} from './csv/csv-columns.js';
import { checkCsvOptions, CsvImportOptions } from './csv/csv-import.options.js';
import { decodeText } from './text-input.js';

/** Where each task's rows land: a table of its own, typed as its columns say. */
export const IMPORTS_SCHEMA = 'imports';
/** Longer records are rejected: a parser must not buffer a whole 10 MB line. */
const MAX_RECORD_CHARS = 1024 * 1024;
/** COPY data is sent in chunks of about this many characters. */
const COPY_CHUNK_CHARS = 256 * 1024;

export interface CsvImportResult {
  table: string;
  columns: CsvColumn[];
  rowsRead: number;
  rowsLoaded: number;
  rowsRejected: number;
  /** The first `maxRejectsKept` rejected rows; rejects.csv has them all. */
  rejects: { line: number; reason: string }[];
  bytesRead: number;
}

interface ImportRun {
  task: TaskContext<CsvImportOptions>;
  result: CsvImportResult;
  rejectsOut: PassThrough;
}

/**
 * Streams a CSV file into a table of its own with COPY, in one transaction: the table, all its
 * rows, or nothing. A re-run after a crash starts over on a fresh table, so no row is loaded twice.
 */
@Injectable()
@TaskProcessor('csv.import', {
  input: 'file',
  options: CsvImportOptions,
  checkOptions: checkCsvOptions,
  mediaTypes: ['text/csv', 'text/plain'],
  timeoutMs: 6 * 3_600_000,
})
export class CsvImportProcessor implements TaskProcessorHandler<CsvImportOptions> {
  private readonly pool: Pool;

  constructor(dataSource: DataSource) {
    this.pool = poolOf(dataSource);
  }

  async process(task: TaskContext<CsvImportOptions>): Promise<CsvImportResult> {
    const table = tableOf(task.taskId);
    const rejectsOut = new PassThrough();
    const storingRejects = task.artifact('rejects.csv', rejectsOut, 'text/csv');
    storingRejects.catch(() => undefined);
    rejectsOut.write(REJECTS_CSV_HEADER);
    const run: ImportRun = { task, rejectsOut, result: emptyResult(table) };
    const client = await this.pool.connect();
    try {
      await client.query('BEGIN');
      await client.query(`DROP TABLE IF EXISTS ${table}`);
      await this.load(client, run);
      rejectsOut.end();
      await storingRejects;
      await client.query('COMMIT');
      run.result.rowsRead = run.result.rowsLoaded + run.result.rowsRejected;
      return run.result;
    } catch (error) {
      rejectsOut.destroy(error as Error);
      await client.query('ROLLBACK').catch(() => undefined);
      throw error;
    } finally {
      client.release();
    }
  }

  async cleanup(task: { id: string }): Promise<void> {
    await this.pool.query(`DROP TABLE IF EXISTS ${tableOf(task.id)}`);
  }

  private async load(client: PoolClient, run: ImportRun): Promise<void> {
    const { task, result } = run;
    const file = task.file!;
    const parser = parse({
      delimiter: task.options.delimiter,
      quote: task.options.quote,
      info: true,
      relax_column_count: true,
      skip_empty_lines: true,
      skip_records_with_error: true,
      max_record_size: MAX_RECORD_CHARS,
      on_skip: (error) => {
        const line = (error as { lines?: number } | undefined)?.lines ?? 0;
        void this.reject(run, line, error?.message ?? 'unreadable record', []);
      },
    });
    const onBytes = (read: number): void => {
      result.bytesRead = read;
      task.progress((read * 100) / file.size, `${read} of ${file.size} bytes read`);
    };
    const feeding = pipeline(
      Readable.from(decodeText(await file.open(), task.options.encoding, onBytes)),
      parser,
    );
    feeding.catch(() => undefined);
    const records = parser[Symbol.asyncIterator]() as AsyncIterator<ParsedRecord>;
    const first = await records.next();
    const header = task.options.header && !first.done ? first.value.record : undefined;
    const columns = resolveColumns(task.options, header);
    if (typeof columns === 'string') throw new TaskInputError(columns);
    result.columns = columns;
    await client.query(createTableSql(result.table, columns));
    const pending = task.options.header || first.done ? [] : [first.value];
    const copy = client.query(copyFrom(copySql(result.table, columns)));
    await pipeline(Readable.from(this.copyChunks(run, columns, pending, records)), copy);
    await feeding;
  }

  /** COPY text for the good rows, in chunks; rejected rows go to rejects.csv as they come. */
  private async *copyChunks(
    run: ImportRun,
    columns: CsvColumn[],
    pending: ParsedRecord[],
    records: AsyncIterator<ParsedRecord>,
  ): AsyncGenerator<string> {
    const converter = new RowConverter(columns);
    const { result, task } = run;
    let chunk = '';
    for (let next = nextRecord(pending, records); ; next = nextRecord(pending, records)) {
      const item = await next;
      if (item.done) break;
      const converted = converter.convert(item.value.record);
      if (converted.ok) {
        chunk += converted.copyLine;
        result.rowsLoaded++;
        if (chunk.length >= COPY_CHUNK_CHARS) {
          task.signal.throwIfAborted();
          yield chunk;
          chunk = '';
        }
      } else {
        await this.reject(run, item.value.info.lines, converted.reason, item.value.record);
      }
    }
    if (chunk) yield chunk;
  }

  private async reject(
    run: ImportRun,
    line: number,
    reason: string,
    fields: string[],
  ): Promise<void> {
    const { result } = run;
    result.rowsRejected++;
    if (result.rejects.length < run.task.options.maxRejectsKept)
      result.rejects.push({ line, reason });
    if (!run.rejectsOut.write(rejectCsvLine(line, reason, fields))) {
      await once(run.rejectsOut, 'drain');
    }
  }
}

interface ParsedRecord {
  record: string[];
  info: { lines: number };
}

function nextRecord(
  pending: ParsedRecord[],
  records: AsyncIterator<ParsedRecord>,
): Promise<IteratorResult<ParsedRecord>> {
  const first = pending.shift();
  return first ? Promise.resolve({ done: false, value: first }) : records.next();
}

function tableOf(taskId: string): string {
  return `${IMPORTS_SCHEMA}.${quoteIdentifier(`task_${taskId.replaceAll('-', '')}`)}`;
}

function emptyResult(table: string): CsvImportResult {
  return {
    table,
    columns: [],
    rowsRead: 0,
    rowsLoaded: 0,
    rowsRejected: 0,
    rejects: [],
    bytesRead: 0,
  };
}
