import 'reflect-metadata';
import { Type } from 'class-transformer';
import {
  ArrayMaxSize,
  ArrayMinSize,
  IsArray,
  IsBoolean,
  IsIn,
  IsInt,
  IsOptional,
  IsString,
  Length,
  Matches,
  Max,
  Min,
  ValidateBy,
  ValidateNested,
} from 'class-validator';
import { OptionsSchema } from '../../options-schema.js';
import { TEXT_ENCODINGS, type TextEncoding } from '../text-input.js';

export const CSV_COLUMN_TYPES = ['int', 'float', 'bool', 'date', 'text'] as const;
export type CsvColumnType = (typeof CSV_COLUMN_TYPES)[number];

export const CSV_ENCODINGS = TEXT_ENCODINGS;
export type CsvEncoding = TextEncoding;

/** PostgreSQL's column limit per table. */
export const MAX_CSV_COLUMNS = 1600;

/** PostgreSQL's identifier limit (NAMEDATALEN - 1) is in bytes, not characters. */
export const MAX_NAME_BYTES = 63;

/** The column that numbers each imported row by the line its record ends on (rows are read by it). */
export const LINE_COLUMN = '_line';

/** Why `name` cannot be a column name, or undefined when it can. */
function columnNameProblem(name: string): string | undefined {
  if (name.length === 0) return 'is empty';
  if (name === LINE_COLUMN) return `is ${LINE_COLUMN}, the column of each row's line number`;
  // Longer names would be silently truncated by PostgreSQL, so two of them could collide.
  if (Buffer.byteLength(name, 'utf8') > MAX_NAME_BYTES) return 'is longer than 63 bytes';
  if (name.includes('\0')) return 'contains a NUL character';
  return undefined;
}

/** JSON Schema counts characters, not bytes: it can only say at most 63 of them. */
const COLUMN_NAME_SCHEMA = {
  minLength: 1,
  maxLength: MAX_NAME_BYTES,
  pattern: '^[^\\u0000]*$',
  not: { const: LINE_COLUMN },
  description: `1 to ${MAX_NAME_BYTES} bytes of UTF-8, no NUL, not ${LINE_COLUMN}`,
};

function IsColumnName(): PropertyDecorator {
  const schema = OptionsSchema(COLUMN_NAME_SCHEMA);
  const check = ValidateBy({
    name: 'isColumnName',
    validator: {
      validate: (value: unknown) => typeof value === 'string' && !columnNameProblem(value),
      defaultMessage: (args) =>
        args?.value === LINE_COLUMN
          ? `${args.property} must not be ${LINE_COLUMN}, the column of each row's line number`
          : `${args?.property ?? 'name'} must be 1 to 63 bytes (UTF-8) long with no NUL character`,
    },
  });
  return (target, property) => {
    check(target, property);
    schema(target, property);
  };
}

const NO_LINE_BREAK = /^[^\r\n]*$/;

export class CsvColumnOption {
  @IsString()
  @IsColumnName()
  name: string;

  @IsIn(CSV_COLUMN_TYPES)
  type: CsvColumnType = 'text';

  @IsBoolean()
  nullable: boolean = true;

  /**
   * The header field this column reads, when it is not `name` (which it then renames): matched
   * like `name`, ignoring case and surrounding spaces. Only with a header.
   */
  @IsOptional()
  @IsString()
  @Length(1, 10_000)
  from?: string;
}

export class CsvImportOptions {
  /** When absent: a tab for a .tsv or .tab file or a tab-separated media type, else a comma. */
  @IsOptional()
  @IsString()
  @Length(1, 1)
  @Matches(NO_LINE_BREAK, { message: 'delimiter must not be a line break' })
  delimiter?: string;

  @IsString()
  @Length(1, 1)
  @Matches(NO_LINE_BREAK, { message: 'quote must not be a line break' })
  quote: string = '"';

  /** The first record holds column names. */
  @IsBoolean()
  header: boolean = true;

  @IsIn(CSV_ENCODINGS)
  encoding: CsvEncoding = 'utf8';

  /**
   * With a header, each is matched to the header field of its name (or `from`), and the fields
   * not declared are nullable text; without one, they are the file's fields in order.
   */
  @IsOptional()
  @IsArray()
  @ArrayMinSize(1)
  @ArrayMaxSize(MAX_CSV_COLUMNS)
  @ValidateNested({ each: true })
  @Type(() => CsvColumnOption)
  columns?: CsvColumnOption[];

  /** Rejected rows whose details go into the task result; all of them are counted and written to rejects.csv. */
  @IsInt()
  @Min(0)
  @Max(10_000)
  maxRejectsKept: number = 100;
}

/** Names that occur more than once, compared case-insensitively, in first-seen spelling. */
export function duplicateNames(names: readonly string[]): string[] {
  const firstSeen = new Map<string, string>();
  const duplicates = new Set<string>();
  for (const name of names) {
    const key = name.toLowerCase();
    const first = firstSeen.get(key);
    if (first === undefined) firstSeen.set(key, name);
    else duplicates.add(first);
  }
  return [...duplicates];
}

export function quoteList(values: readonly string[]): string {
  return values.map((value) => JSON.stringify(value)).join(', ');
}

/** Cross-field checks, for options that already passed class-validator. */
export function checkCsvOptions(o: CsvImportOptions): string | undefined {
  if (o.delimiter === o.quote) return 'delimiter and quote must be different characters';
  if (!o.columns) {
    return o.header ? undefined : 'columns must be declared when header is false';
  }
  const from = o.columns.findIndex((column) => column.from !== undefined);
  if (!o.header && from !== -1) {
    return `columns.${from}.from names a header field, and header is false`;
  }
  const duplicates = duplicateNames(o.columns.map((column) => column.name));
  if (duplicates.length > 0) {
    return `columns: duplicate column names (case-insensitive): ${quoteList(duplicates)}`;
  }
  return undefined;
}
