import type { CsvColumnType } from './csv-import.options.js';

/**
 * Whether PostgreSQL's type input gives the value RowConverter (csv-columns.ts) gives, for the
 * bytes [start, end) of a field (quotes taken off). Each check is RowConverter's own grammar over
 * ASCII, so that anything PostgreSQL reads in other ways ('0x10', '1_000', 'NaN', 'on',
 * '01/02/2000', 'epoch', …) is left to RowConverter; what both read, they read alike. Values in
 * the grammar that are out of range, or dates that do not exist, PostgreSQL rejects too, which
 * sends the file back to RowConverter.
 */
export type ValueCheck = (bytes: Buffer, start: number, end: number) => boolean;

const SPACE = 0x20;
const TAB = 0x09;
const PLUS = 0x2b;
const MINUS = 0x2d;
const DOT = 0x2e;
const ZERO = 0x30;
const NINE = 0x39;

const isDigit = (byte: number): boolean => byte >= ZERO && byte <= NINE;
const isBlank = (byte: number): boolean => byte === SPACE || byte === TAB;

/** Digits from `i`: the index after them. */
function skipDigits(bytes: Buffer, i: number, end: number): number {
  while (i < end && isDigit(bytes[i])) i++;
  return i;
}

/**
 * The value between surrounding spaces and tabs (both trim those; RowConverter trims other white
 * space too, which PostgreSQL does not, so a value with it fails the grammars here). Empty is
 * NULL in both; a value of only spaces is NULL for RowConverter and an error for PostgreSQL.
 */
function trimmed(check: (bytes: Buffer, start: number, end: number) => boolean): ValueCheck {
  return (bytes, start, end) => {
    if (start === end) return true;
    while (start < end && isBlank(bytes[start])) start++;
    while (end > start && isBlank(bytes[end - 1])) end--;
    return start < end && check(bytes, start, end);
  };
}

/** [+-]?\d+ — int8in reads the same number (PostgreSQL 16 also takes 0x…, 0o…, 0b… and 1_000). */
function isInt(bytes: Buffer, start: number, end: number): boolean {
  if (bytes[start] === PLUS || bytes[start] === MINUS) start++;
  return start < end && skipDigits(bytes, start, end) === end;
}

/**
 * [+-]?(\d+\.?\d*|\.\d+)([eE][+-]?\d+)?, strtod's decimal form: both round to the nearest double.
 * A negative zero is not taken: RowConverter stores 0, PostgreSQL -0.
 */
function isFloat(bytes: Buffer, start: number, end: number): boolean {
  const negative = bytes[start] === MINUS;
  if (negative || bytes[start] === PLUS) start++;
  const intEnd = skipDigits(bytes, start, end);
  let i = intEnd;
  let digits = intEnd - start;
  if (i < end && bytes[i] === DOT) {
    const fracEnd = skipDigits(bytes, i + 1, end);
    digits += fracEnd - i - 1;
    i = fracEnd;
  }
  if (digits === 0) return false;
  const mantissaEnd = i;
  if (i < end && (bytes[i] | 0x20) === 0x65) {
    // 'e' or 'E'
    i++;
    if (i < end && (bytes[i] === PLUS || bytes[i] === MINUS)) i++;
    const expEnd = skipDigits(bytes, i, end);
    if (expEnd === i) return false;
    i = expEnd;
  }
  if (i !== end) return false;
  if (!negative) return true;
  for (let k = start; k < mantissaEnd; k++) {
    if (bytes[k] > ZERO && bytes[k] <= NINE) return true;
  }
  return false;
}

const BOOL_WORDS = new Set(['true', 't', 'yes', 'y', '1', 'false', 'f', 'no', 'n', '0']);

/** RowConverter's words, any case; boolin reads each the same (it also takes 'on', 'tru', …). */
function isBool(bytes: Buffer, start: number, end: number): boolean {
  return end - start <= 5 && BOOL_WORDS.has(bytes.toString('latin1', start, end).toLowerCase());
}

/** YYYY-MM-DD: date_in reads this form as year-month-day whatever DateStyle says. */
function isDate(bytes: Buffer, start: number, end: number): boolean {
  if (end - start !== 10) return false;
  for (let k = 0; k < 10; k++) {
    const byte = bytes[start + k];
    if (k === 4 || k === 7 ? byte !== MINUS : !isDigit(byte)) return false;
  }
  return true;
}

/** Any text: COPY stores the field as it is, as RowConverter does (a NUL fails COPY). */
const anyText: ValueCheck = () => true;

export const VALUE_CHECKS: Record<CsvColumnType, ValueCheck> = {
  int: trimmed(isInt),
  float: trimmed(isFloat),
  bool: trimmed(isBool),
  date: trimmed(isDate),
  text: anyText,
};
