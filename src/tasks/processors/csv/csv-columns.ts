import { type CsvColumnType, LINE_COLUMN } from './csv-import.options.js';

export interface CsvColumn {
  name: string;
  /** The header field it was read from, as the file has it; null without a header. */
  sourceName: string | null;
  type: CsvColumnType;
  nullable: boolean;
}

/** What the table and the row converter need of a column. */
export type TableColumn = Pick<CsvColumn, 'name' | 'type' | 'nullable'>;

export type ConvertResult = { ok: true; copyLine: string } | { ok: false; reason: string };

export const REJECTS_CSV_HEADER = 'line,reason,record\n';

/** A field converter returns the escaped COPY field, or a Rejection. */
class Rejection {
  constructor(readonly reason: string) {}
}
type FieldConverter = (raw: string) => string | Rejection;
/** Parses an already trimmed, non-empty value; undefined means "not this type". */
type Parser = (value: string) => string | undefined;

const COPY_NULL = '\\N';
const INT_RE = /^[+-]?\d+$/;
const FLOAT_RE = /^[+-]?(?:\d+\.?\d*|\.\d+)(?:[eE][+-]?\d+)?$/;
const TEXT_SPECIAL_RE = /[\\\t\n\r\0]/;
const TEXT_ESCAPE_RE = /[\\\t\n\r]/g;
const TEXT_ESCAPES: Record<string, string> = {
  '\\': '\\\\',
  '\t': '\\t',
  '\n': '\\n',
  '\r': '\\r',
};
const INT64_MIN = -(2n ** 63n);
const INT64_MAX = 2n ** 63n - 1n;
const BOOLS = new Map<string, string>([
  ...['true', 't', 'yes', 'y', '1'].map((word): [string, string] => [word, 't']),
  ...['false', 'f', 'no', 'n', '0'].map((word): [string, string] => [word, 'f']),
]);
const OUT_OF_RANGE = 'out of range';

function parseInt64(value: string): string | undefined {
  if (!INT_RE.test(value)) return undefined;
  const first = value.charCodeAt(0);
  const negative = first === 45; // '-'
  let start = negative || first === 43 ? 1 : 0; // 43 = '+'
  while (start < value.length - 1 && value.charCodeAt(start) === 48) start++; // leading '0'
  const digits = start === 0 ? value : value.slice(start);
  // 19 digits is the first length that can leave the int64 range.
  if (digits.length >= 19) {
    const n = BigInt(negative ? `-${digits}` : digits);
    if (n < INT64_MIN || n > INT64_MAX) return OUT_OF_RANGE;
  }
  return negative && digits !== '0' ? `-${digits}` : digits;
}

/**
 * String(Number(value)) without the costly number-to-string step, for an exponent-free FLOAT_RE
 * match with at most 15 significant digits (DBL_DIG: such decimals round-trip through a double)
 * that JS prints in fixed notation (>= 1e-6). Anything else returns undefined.
 */
function plainDecimal(value: string): string | undefined {
  if (value.includes('e') || value.includes('E')) return undefined;
  const length = value.length;
  const sign = value.charCodeAt(0) === 45 ? '-' : '';
  let start = sign || value.charCodeAt(0) === 43 ? 1 : 0;
  while (start < length && value.charCodeAt(start) === 48) start++;
  const dot = value.indexOf('.');
  const intEnd = dot === -1 ? length : dot;
  let end = length;
  while (end > intEnd + 1 && value.charCodeAt(end - 1) === 48) end--;
  const intDigits = intEnd - start;
  const fracDigits = Math.max(end - intEnd - 1, 0);
  if (intDigits === 0) {
    if (fracDigits === 0) return '0';
    let zeros = 0;
    while (value.charCodeAt(intEnd + 1 + zeros) === 48) zeros++;
    if (zeros > 5 || fracDigits - zeros > 15) return undefined;
    return `${sign}0${value.slice(intEnd, end)}`;
  }
  if (intDigits + fracDigits > 15) return undefined;
  return sign + value.slice(start, fracDigits === 0 ? intEnd : end);
}

function parseFloat64(value: string): string | undefined {
  if (!FLOAT_RE.test(value)) return undefined;
  const plain = plainDecimal(value);
  if (plain !== undefined) return plain;
  const n = Number(value);
  if (!Number.isFinite(n)) return OUT_OF_RANGE;
  // PostgreSQL rejects an underflow to zero rather than storing 0, so do the same.
  if (n === 0 && /[1-9]/.test(value.split(/[eE]/)[0])) return OUT_OF_RANGE;
  return String(n);
}

const DAYS_IN_MONTH = [31, 28, 31, 30, 31, 30, 31, 31, 30, 31, 30, 31];

/** The number written in value[start, end), or -1 when a character there is not a digit. */
function digitsAt(value: string, start: number, end: number): number {
  let n = 0;
  for (let i = start; i < end; i++) {
    const digit = value.charCodeAt(i) - 48;
    if (digit < 0 || digit > 9) return -1;
    n = n * 10 + digit;
  }
  return n;
}

/** Strict YYYY-MM-DD in the proleptic Gregorian calendar, as PostgreSQL uses. */
function parseDate(value: string): string | undefined {
  if (value.length !== 10 || value.charCodeAt(4) !== 45 || value.charCodeAt(7) !== 45) {
    return undefined;
  }
  const year = digitsAt(value, 0, 4);
  const month = digitsAt(value, 5, 7);
  const day = digitsAt(value, 8, 10);
  if (year < 1 || month < 1 || month > 12 || day < 1) return undefined;
  const leap = year % 4 === 0 && (year % 100 !== 0 || year % 400 === 0);
  return day <= (month === 2 && leap ? 29 : DAYS_IN_MONTH[month - 1]) ? value : undefined;
}

function describe(raw: string): string {
  return JSON.stringify(raw.length > 50 ? `${raw.slice(0, 50)}…` : raw);
}

function typedConverter(column: TableColumn, parse: Parser, typeName: string): FieldConverter {
  const label = `column ${JSON.stringify(column.name)}`;
  const missing = column.nullable ? COPY_NULL : new Rejection(`${label} is required`);
  return (raw) => {
    const value = raw.trim();
    if (value === '') return missing;
    const parsed = parse(value);
    if (parsed === undefined) return new Rejection(`${label}: ${describe(raw)} is not ${typeName}`);
    if (parsed === OUT_OF_RANGE) {
      return new Rejection(`${label}: ${describe(raw)} is out of range for ${column.type}`);
    }
    return parsed;
  };
}

function textConverter(column: TableColumn): FieldConverter {
  const label = `column ${JSON.stringify(column.name)}`;
  const missing = column.nullable ? COPY_NULL : new Rejection(`${label} is required`);
  const nul = new Rejection(`${label} contains a NUL character, which PostgreSQL cannot store`);
  return (raw) => {
    if (raw === '') return missing;
    if (!TEXT_SPECIAL_RE.test(raw)) return raw;
    if (raw.includes('\0')) return nul;
    return raw.replace(TEXT_ESCAPE_RE, (c) => TEXT_ESCAPES[c]);
  };
}

const CONVERTER_FACTORIES: Record<CsvColumnType, (column: TableColumn) => FieldConverter> = {
  int: (column) => typedConverter(column, parseInt64, 'an int'),
  float: (column) => typedConverter(column, parseFloat64, 'a float'),
  bool: (column) => typedConverter(column, (value) => BOOLS.get(value.toLowerCase()), 'a bool'),
  date: (column) => typedConverter(column, parseDate, 'a date (YYYY-MM-DD)'),
  text: textConverter,
};

/** Turns parsed CSV records into lines of PostgreSQL COPY text format. */
export class RowConverter {
  private readonly converters: FieldConverter[];

  constructor(columns: TableColumn[]) {
    this.converters = columns.map((column) => CONVERTER_FACTORIES[column.type](column));
  }

  convert(fields: string[]): ConvertResult {
    const converters = this.converters;
    const count = converters.length;
    if (fields.length !== count) {
      return { ok: false, reason: `expected ${count} fields, got ${fields.length}` };
    }
    let line = '';
    for (let i = 0; i < count; i++) {
      const out = converters[i](fields[i]);
      if (typeof out !== 'string') return { ok: false, reason: out.reason };
      line = i === 0 ? out : `${line}\t${out}`;
    }
    return { ok: true, copyLine: `${line}\n` };
  }
}

export function quoteIdentifier(name: string): string {
  return `"${name.replaceAll('"', '""')}"`;
}

const PG_TYPES: Record<CsvColumnType, string> = {
  int: 'bigint',
  float: 'double precision',
  bool: 'boolean',
  date: 'date',
  text: 'text',
};

/** `qualifiedTable` must already be quoted. The first column is the line number (LINE_COLUMN). */
export function createTableSql(qualifiedTable: string, columns: TableColumn[]): string {
  const definitions = columns.map(
    (c) => `${quoteIdentifier(c.name)} ${PG_TYPES[c.type]}${c.nullable ? '' : ' NOT NULL'}`,
  );
  return `CREATE TABLE ${qualifiedTable} (${LINE_COLUMN} bigint NOT NULL, ${definitions.join(', ')})`;
}

/**
 * Run after COPY, in its transaction: rows are read page by page in line order. Built once at the
 * end rather than kept up during COPY, which would make each row's insert dearer.
 */
export function lineIndexSql(qualifiedTable: string): string {
  return `CREATE UNIQUE INDEX ON ${qualifiedTable} (${LINE_COLUMN})`;
}

/** `qualifiedTable` must already be quoted. Each COPY line starts with the record's line number. */
export function copySql(qualifiedTable: string, columns: TableColumn[]): string {
  const names = columns.map((c) => quoteIdentifier(c.name)).join(', ');
  return `COPY ${qualifiedTable} (${LINE_COLUMN}, ${names}) FROM STDIN`;
}

const CSV_QUOTE_NEEDED = /[",\r\n]/;

function csvField(value: string): string {
  return CSV_QUOTE_NEEDED.test(value) ? `"${value.replaceAll('"', '""')}"` : value;
}

/**
 * One rejects.csv line. `record` holds the raw fields re-encoded as a comma-separated CSV record,
 * so it can be parsed back into the original fields.
 */
export function rejectCsvLine(line: number, reason: string, fields: string[]): string {
  return `${line},${csvField(reason)},${csvField(fields.map(csvField).join(','))}\n`;
}
