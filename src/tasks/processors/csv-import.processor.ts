import { Injectable } from '@nestjs/common';
import { Parser } from 'csv-parse';
import { once } from 'node:events';
import { PassThrough, Transform, type TransformCallback } from 'node:stream';
import { pipeline } from 'node:stream/promises';
import type { Pool, PoolClient } from 'pg';
import { from as copyFrom } from 'pg-copy-streams';
import { AppConfig } from '../../config/app-config.js';
import { Database } from '../../database/database.js';
import { CSV_INPUT_MEDIA_TYPES, isTabSeparated } from '../../files/media-types.js';
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
  lineIndexSql,
  quoteIdentifier,
  REJECTS_CSV_HEADER,
  rejectCsvLine,
  RowConverter,
} from './csv/csv-columns.js';
import { copyCsv, copyCsvFits } from './csv/csv-copy-load.js';
import { resolveColumns } from './csv/csv-header.js';
import { LineTaggedParser, type TaggedRecord } from './csv/csv-line-parser.js';
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
  /** The one used: given in the options, or inferred from the file's type and name. */
  delimiter: string;
  /** Records read, the header not counted: rowsLoaded + rowsRejected. */
  rowsRead: number;
  rowsLoaded: number;
  rowsRejected: number;
  /** Empty lines, which are skipped (a line of spaces or delimiters is a record). */
  blankLines: number;
  /** The first `maxRejectsKept` rejected rows; rejects.csv has them all. */
  rejects: { line: number; reason: string }[];
  bytesRead: number;
  /**
   * Which CSV parser read the file: PostgreSQL's (COPY … FORMAT csv) when the file is one it reads
   * exactly as the service would, else the service's own (csv-parse), which gives rejects reasons.
   */
  parser: 'postgres' | 'node';
}

interface ImportRun {
  task: TaskContext<CsvImportOptions>;
  result: CsvImportResult;
  rejectsOut: PassThrough;
}

/** How the file's text is split into fields. */
interface CsvDialect {
  delimiter: string;
  quote: string;
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
  mediaTypes: CSV_INPUT_MEDIA_TYPES,
  timeoutMs: 6 * 3_600_000,
})
export class CsvImportProcessor implements TaskProcessorHandler<CsvImportOptions> {
  private readonly pool: Pool;
  private readonly postgresParser: boolean;

  constructor(database: Database, config: AppConfig) {
    this.pool = database.pool;
    this.postgresParser = config.tasks.csvPostgresParser;
  }

  async process(task: TaskContext<CsvImportOptions>): Promise<CsvImportResult> {
    const table = tableOf(task.taskId);
    const dialect = dialectOf(task);
    const rejectsOut = new PassThrough();
    const storingRejects = task.artifact('rejects.csv', rejectsOut, 'text/csv');
    storingRejects.catch(() => undefined);
    rejectsOut.write(REJECTS_CSV_HEADER);
    const run: ImportRun = { task, rejectsOut, result: emptyResult(table, dialect.delimiter) };
    const client = await this.pool.connect();
    // A cut connection between queries is an 'error' event that would end the process; the next
    // query fails with it anyway.
    client.on('error', ignoreClientError);
    try {
      await client.query('BEGIN');
      await client.query(`DROP TABLE IF EXISTS ${table}`);
      await this.load(client, run, dialect);
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
      client.off('error', ignoreClientError);
      client.release();
    }
  }

  async cleanup(task: { id: string }): Promise<void> {
    await this.pool.query(`DROP TABLE IF EXISTS ${tableOf(task.id)}`);
  }

  private async load(client: PoolClient, run: ImportRun, dialect: CsvDialect): Promise<void> {
    const { task, result } = run;
    const file = task.file!;
    const header = task.options.header ? await readHeader(task, dialect) : undefined;
    const columns = resolveColumns(task.options, header);
    if (typeof columns === 'string') throw new TaskInputError(columns);
    result.columns = columns;
    await client.query(createTableSql(result.table, columns));
    const onBytes = (read: number): void => {
      result.bytesRead = read;
      task.progress((read * 100) / file.size, `${read} of ${file.size} bytes read`);
    };
    if (
      this.postgresParser &&
      copyCsvFits(task.options.encoding, dialect.delimiter, dialect.quote)
    ) {
      const loaded = await copyCsv(client, {
        ...dialect,
        table: result.table,
        columns,
        header: header !== undefined,
        maxRecordBytes: MAX_RECORD_CHARS / 2,
        open: () => file.open(),
        onBytes,
        signal: task.signal,
      });
      if (loaded) {
        Object.assign(result, { rowsLoaded: loaded.rows, blankLines: loaded.blankLines });
        result.parser = 'postgres';
        await client.query(lineIndexSql(result.table));
        return;
      }
    }
    const parser = new LineTaggedParser({
      ...parseOptions(dialect),
      on_skip: (error) => {
        const line = (error as { lines?: number } | undefined)?.lines ?? 0;
        if (isTooLong(error)) parser.destroy(tooLong(line));
        else reject(run, line, error?.message ?? 'unreadable record', []);
      },
    });
    await pipeline(
      decodeText(await file.open(), task.options.encoding, onBytes, () => file.open()),
      parser,
      new CopyEncoder(run, new RowConverter(columns), header !== undefined),
      client.query(copyFrom(copySql(result.table, columns))),
      { signal: task.signal },
    );
    await client.query(lineIndexSql(result.table));
    result.blankLines = parser.blankLines();
  }
}

/** The options' delimiter, else a tab for a tab-separated file (by type or name), else a comma. */
function dialectOf({ options, file }: TaskContext<CsvImportOptions>): CsvDialect {
  const tabs = file !== undefined && isTabSeparated(file.mediaType, file.name);
  const delimiter = options.delimiter ?? (tabs ? '\t' : ',');
  if (delimiter === options.quote) {
    throw new TaskInputError(
      `The delimiter (${JSON.stringify(delimiter)}, from the file's type) and quote are the same character: give a delimiter or another quote.`,
    );
  }
  return { delimiter, quote: options.quote };
}

/** Good rows as COPY text in chunks; rejected rows to rejects.csv as they come. */
class CopyEncoder extends Transform {
  private chunk = '';

  constructor(
    private readonly run: ImportRun,
    private readonly converter: RowConverter,
    private skipFirst: boolean,
  ) {
    super({ writableObjectMode: true });
  }

  override _transform(
    { line, record }: TaggedRecord,
    _: BufferEncoding,
    done: TransformCallback,
  ): void {
    if (this.skipFirst) {
      this.skipFirst = false;
      return done();
    }
    const converted = this.converter.convert(record);
    if (!converted.ok) {
      if (reject(this.run, line, converted.reason, record)) return done();
      once(this.run.rejectsOut, 'drain').then(() => done(), done);
      return;
    }
    this.run.result.rowsLoaded++;
    this.chunk += `${line}\t${converted.copyLine}`;
    if (this.chunk.length < COPY_CHUNK_CHARS) return done();
    const full = this.chunk;
    this.chunk = '';
    done(this.run.task.signal.aborted ? this.run.task.signal.reason : null, full);
  }

  override _flush(done: TransformCallback): void {
    done(null, this.chunk || undefined);
  }
}

function parseOptions({ delimiter, quote }: CsvDialect) {
  return {
    delimiter,
    quote,
    escape: quote,
    relax_column_count: true,
    skip_empty_lines: true,
    skip_records_with_error: true,
    max_record_size: MAX_RECORD_CHARS,
  };
}

/**
 * csv-parse cannot skip past a record over max_record_size and carry on cleanly (it rejects the
 * rest of it piece by piece), so such a record fails the import.
 */
function isTooLong(error: unknown): boolean {
  return (error as { code?: string } | undefined)?.code === 'CSV_MAX_RECORD_SIZE';
}

function tooLong(line: number): TaskInputError {
  return new TaskInputError(
    `The record ending on line ${line} is longer than ${MAX_RECORD_CHARS} characters: a CSV record is limited to 1 MiB.`,
  );
}

/** The first record of the file, read on a stream of its own before the import starts. */
async function readHeader(
  task: TaskContext<CsvImportOptions>,
  dialect: CsvDialect,
): Promise<string[] | undefined> {
  const parser: Parser = new Parser({
    ...parseOptions(dialect),
    to: 1,
    on_skip: (error) => {
      if (isTooLong(error)) parser.destroy(tooLong((error as { lines?: number }).lines ?? 1));
    },
  });
  let header: string[] | undefined;
  parser.on('data', (record: string[]) => (header ??= record));
  try {
    const file = task.file!;
    await pipeline(
      decodeText(await file.open(), task.options.encoding, undefined, () => file.open()),
      parser,
      { signal: task.signal },
    );
  } catch (error) {
    // The parser stops after the first record, which ends the pipeline early.
    if (!header) throw error;
  }
  return header;
}

/** Records a rejected row; false when rejects.csv asks the writer to wait for 'drain'. */
function reject(run: ImportRun, line: number, reason: string, fields: string[]): boolean {
  const { result } = run;
  result.rowsRejected++;
  if (result.rejects.length < run.task.options.maxRejectsKept)
    result.rejects.push({ line, reason });
  return run.rejectsOut.write(rejectCsvLine(line, reason, fields));
}

function tableOf(taskId: string): string {
  return `${IMPORTS_SCHEMA}.${quoteIdentifier(`task_${taskId.replaceAll('-', '')}`)}`;
}

function emptyResult(table: string, delimiter: string): CsvImportResult {
  return {
    table,
    columns: [],
    delimiter,
    rowsRead: 0,
    rowsLoaded: 0,
    rowsRejected: 0,
    blankLines: 0,
    rejects: [],
    bytesRead: 0,
    parser: 'node',
  };
}

function ignoreClientError(): void {}
