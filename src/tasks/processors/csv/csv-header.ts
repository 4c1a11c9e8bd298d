import type { CsvColumn } from './csv-columns.js';
import {
  type CsvColumnOption,
  type CsvImportOptions,
  LINE_COLUMN,
  MAX_CSV_COLUMNS,
  MAX_NAME_BYTES,
  quoteList,
} from './csv-import.options.js';

/**
 * The table's columns, one per field of the file, from the declared columns and the header
 * record; a string is why there can be none. Runs once per import.
 *
 * Without a header, the declared columns are the fields in order. With one, every header field
 * becomes a column, named by these rules (docs/architecture.md, csv.import):
 * - a declared column takes the field whose name is its `from` (else its `name`), ignoring case
 *   and surrounding spaces; when several fields have that name, the first not taken yet; failing
 *   that, the field whose own column would have that name (`column_3`, `latitude_2`);
 * - other fields are nullable text named after the header: trimmed, `column_<n>` when empty (n
 *   counts from 1), cut at a character boundary to fit PostgreSQL's 63 bytes when longer;
 * - names are unique ignoring case, as unquoted SQL would fold them: a later field whose name is
 *   taken gets the smallest free suffix `_2`, `_3`, … (the name cut shorter to fit it).
 */
export function resolveColumns(
  options: CsvImportOptions,
  headerRecord: string[] | undefined,
): CsvColumn[] | string {
  const declared = options.columns;
  if (!options.header) {
    if (!declared) return 'columns must be declared when header is false';
    return declared.map(({ name, type, nullable }) => ({
      name,
      sourceName: null,
      type,
      nullable,
    }));
  }
  if (!headerRecord) return 'the file has no header record';
  if (headerRecord.length > MAX_CSV_COLUMNS) {
    return `the header has ${headerRecord.length} fields; at most ${MAX_CSV_COLUMNS} are allowed`;
  }
  const sources = headerRecord.map((field) => field.trim());
  const ownNames = sources.map(nameOfField);
  const bound = bindDeclared(declared ?? [], sources, uniqueNames(ownNames, new Set()));
  if (typeof bound === 'string') return bound;
  const names = uniqueNames(
    ownNames.map((own, i) => bound.get(i)?.name ?? own),
    new Set(bound.keys()),
  );
  return headerRecord.map((sourceName, i) => {
    const column = bound.get(i);
    return {
      name: names[i],
      sourceName,
      type: column?.type ?? 'text',
      nullable: column?.nullable ?? true,
    };
  });
}

/** The column name a trimmed header field gives, before names are made unique. */
function nameOfField(source: string, index: number): string {
  // PostgreSQL cannot store a NUL in a name.
  const name = source.replaceAll('\0', '');
  return name === '' ? `column_${index + 1}` : fitBytes(name, MAX_NAME_BYTES);
}

/** The declared column of each field that has one, by field index; a string names the missing. */
function bindDeclared(
  declared: CsvColumnOption[],
  sources: string[],
  autoNames: string[],
): Map<number, CsvColumnOption> | string {
  const sourceKeys = sources.map((s) => s.toLowerCase());
  const autoKeys = autoNames.map((n) => n.toLowerCase());
  const bound = new Map<number, CsvColumnOption>();
  const missing: string[] = [];
  for (const column of declared) {
    const wanted = (column.from ?? column.name).trim().toLowerCase();
    const free = (name: string, i: number): boolean => name === wanted && !bound.has(i);
    let index = sourceKeys.findIndex(free);
    if (index === -1) index = autoKeys.findIndex(free);
    if (index === -1) missing.push(column.from ?? column.name);
    else bound.set(index, column);
  }
  if (missing.length === 0) return bound;
  const shown = quoteList(sources.slice(0, 20)) + (sources.length > 20 ? ', …' : '');
  return (
    `declared columns not found in the header: ${quoteList(missing)} ` +
    `(the header's ${sources.length} fields: ${shown})`
  );
}

/**
 * Names unique ignoring case: the names at `fixed` indexes (unique already) stay, the first of
 * the others to want a name gets it, and each later one the smallest free `_<k>` suffix (k ≥ 2)
 * that no field wants.
 */
export function uniqueNames(wanted: string[], fixed: ReadonlySet<number>): string[] {
  const wantedKeys = new Set(wanted.map(key));
  const taken = new Set([LINE_COLUMN, ...[...fixed].map((i) => key(wanted[i]))]);
  return wanted.map((name, i) => {
    if (fixed.has(i)) return name;
    let unique = name;
    for (let k = 2; taken.has(key(unique)); k++) {
      const suffix = `_${k}`;
      const candidate = fitBytes(name, MAX_NAME_BYTES - suffix.length) + suffix;
      // A name another field has in the file is left to it.
      if (!wantedKeys.has(key(candidate))) unique = candidate;
    }
    taken.add(key(unique));
    return unique;
  });
}

/** Names are compared ignoring case. */
function key(name: string): string {
  return name.toLowerCase();
}

/** `name` cut to at most `max` UTF-8 bytes, between two characters. */
export function fitBytes(name: string, max: number): string {
  if (Buffer.byteLength(name, 'utf8') <= max) return name;
  let bytes = 0;
  let end = 0;
  for (const char of name) {
    const size = Buffer.byteLength(char, 'utf8');
    if (bytes + size > max) break;
    bytes += size;
    end += char.length;
  }
  return name.slice(0, end);
}
