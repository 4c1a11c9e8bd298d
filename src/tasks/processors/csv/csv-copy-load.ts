import type { Readable } from 'node:stream';
import { pipeline } from 'node:stream/promises';
import type { PoolClient } from 'pg';
import { from as copyFrom } from 'pg-copy-streams';
import { type CsvColumn, quoteIdentifier } from './csv-columns.js';
import { CsvCopyScanner, NotForCopy } from './csv-copy-scanner.js';
import { type CsvEncoding, LINE_COLUMN } from './csv-import.options.js';

/**
 * The fast way in: PostgreSQL's own CSV parser (COPY … FORMAT csv) reads the file, straight into
 * the task's table. CsvCopyScanner sends it only records it reads as csv-parse and RowConverter
 * would, and PostgreSQL fails the COPY on any value its types refuse; either way the COPY is rolled
 * back to a savepoint and the caller parses the file itself, which finds each row's reason.
 */
export interface CopyCsvLoad {
  table: string;
  columns: CsvColumn[];
  delimiter: string;
  quote: string;
  header: boolean;
  maxRecordBytes: number;
  open: () => Promise<Readable>;
  onBytes: (read: number) => void;
  signal: AbortSignal;
}

export interface CopyCsvLoaded {
  rows: number;
  blankLines: number;
}

/** Delimiters and quotes COPY takes whose meaning in a line is plain (no digit, letter, backslash). */
const DELIMITERS = new Set([',', ';', '\t', '|']);
const QUOTES = new Set(['"', "'"]);

/** Whether COPY … FORMAT csv may be tried at all: a UTF-8 file with a plain delimiter and quote. */
export function copyCsvFits(encoding: CsvEncoding, delimiter: string, quote: string): boolean {
  return encoding === 'utf8' && DELIMITERS.has(delimiter) && QUOTES.has(quote);
}

/** Loads the file by COPY … FORMAT csv; undefined when it is left to the caller (nothing loaded). */
export async function copyCsv(
  client: PoolClient,
  load: CopyCsvLoad,
): Promise<CopyCsvLoaded | undefined> {
  const scanner = new CsvCopyScanner({
    delimiter: load.delimiter,
    quote: load.quote,
    types: load.columns.map((column) => column.type),
    header: load.header,
    maxRecordBytes: load.maxRecordBytes,
    onBytes: load.onBytes,
  });
  await client.query('SAVEPOINT csv_copy');
  try {
    await pipeline(await load.open(), scanner, client.query(copyFrom(copyCsvSql(load))), {
      signal: load.signal,
    });
    await client.query('RELEASE SAVEPOINT csv_copy');
    return { rows: scanner.rows, blankLines: scanner.blankLines };
  } catch (error) {
    if (load.signal.aborted || !(error instanceof NotForCopy || isDataError(error))) throw error;
    await client.query('ROLLBACK TO SAVEPOINT csv_copy; RELEASE SAVEPOINT csv_copy');
    return undefined;
  }
}

/**
 * FORCE_NULL: a quoted empty field is NULL too, as RowConverter has it ("" and nothing are the
 * same to csv-parse). The line number is written unquoted before each record.
 */
function copyCsvSql({ table, columns, delimiter, quote }: CopyCsvLoad): string {
  const names = columns.map((c) => quoteIdentifier(c.name)).join(', ');
  const options = [
    'FORMAT csv',
    `DELIMITER ${literal(delimiter)}`,
    `QUOTE ${literal(quote)}`,
    `FORCE_NULL (${names})`,
    "ENCODING 'UTF8'",
  ];
  return `COPY ${table} (${LINE_COLUMN}, ${names}) FROM STDIN (${options.join(', ')})`;
}

function literal(value: string): string {
  return `'${value.replaceAll("'", "''")}'`;
}

/** A value or record PostgreSQL refused (classes 22, data exception, and 23, a constraint). */
function isDataError(error: unknown): boolean {
  const code = (error as { code?: unknown } | undefined)?.code;
  return typeof code === 'string' && (code.startsWith('22') || code.startsWith('23'));
}
