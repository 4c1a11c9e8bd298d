import { plainToInstance } from 'class-transformer';
import { validate } from 'class-validator';
import { parse } from 'csv-parse/sync';
import {
  type CsvColumn,
  type TableColumn,
  RowConverter,
  copySql,
  createTableSql,
  rejectCsvLine,
} from '../../src/tasks/processors/csv/csv-columns.js';
import {
  fitBytes,
  resolveColumns,
  uniqueNames,
} from '../../src/tasks/processors/csv/csv-header.js';
import {
  CsvImportOptions,
  checkCsvOptions,
} from '../../src/tasks/processors/csv/csv-import.options.js';

function options(raw: Record<string, unknown> = {}): CsvImportOptions {
  return plainToInstance(CsvImportOptions, raw);
}

async function errorsOf(raw: Record<string, unknown>): Promise<string[]> {
  const errors = await validate(options(raw), { whitelist: true, forbidNonWhitelisted: true });
  const flatten = (list: typeof errors, prefix: string): string[] =>
    list.flatMap((e) => [
      ...Object.values(e.constraints ?? {}).map((m) => `${prefix}${e.property}: ${m}`),
      ...flatten(e.children ?? [], `${prefix}${e.property}.`),
    ]);
  return flatten(errors, '');
}

function convertOne(column: Partial<TableColumn>, raw: string) {
  return new RowConverter([{ name: 'c', type: 'text', nullable: true, ...column }]).convert([raw]);
}

function stored(column: Partial<TableColumn>, raw: string): string {
  const result = convertOne(column, raw);
  if (!result.ok) throw new Error(`rejected: ${result.reason}`);
  return result.copyLine.slice(0, -1);
}

function reason(column: Partial<TableColumn>, raw: string): string | undefined {
  const result = convertOne(column, raw);
  return result.ok ? undefined : result.reason;
}

describe('RowConverter', () => {
  it('builds a tab-separated, newline-terminated COPY line', () => {
    const converter = new RowConverter([
      { name: 'id', type: 'int', nullable: false },
      { name: 'name', type: 'text', nullable: true },
      { name: 'ok', type: 'bool', nullable: true },
    ]);
    expect(converter.convert(['1', 'Ann', ''])).toEqual({ ok: true, copyLine: '1\tAnn\t\\N\n' });
    expect(converter.convert(['1', 'Ann'])).toEqual({
      ok: false,
      reason: 'expected 3 fields, got 2',
    });
    expect(converter.convert(['1', 'a', 'y', 'x'])).toEqual({
      ok: false,
      reason: 'expected 3 fields, got 4',
    });
  });

  it('stores NULL for empty nullable values and rejects empty required ones', () => {
    for (const type of ['int', 'float', 'bool', 'date', 'text'] as const) {
      expect(stored({ type }, '')).toBe('\\N');
      expect(reason({ type, name: 'age', nullable: false }, '')).toBe('column "age" is required');
    }
    expect(stored({ type: 'int' }, '   ')).toBe('\\N');
    expect(stored({ type: 'text' }, '   ')).toBe('   ');
  });

  it('normalises ints and enforces the int64 range', () => {
    expect(stored({ type: 'int' }, '+5')).toBe('5');
    expect(stored({ type: 'int' }, '007')).toBe('7');
    expect(stored({ type: 'int' }, ' -0 ')).toBe('0');
    expect(stored({ type: 'int' }, '-000')).toBe('0');
    expect(stored({ type: 'int' }, '9223372036854775807')).toBe('9223372036854775807');
    expect(stored({ type: 'int' }, '-9223372036854775808')).toBe('-9223372036854775808');
    expect(stored({ type: 'int' }, '0009223372036854775807')).toBe('9223372036854775807');
    expect(reason({ type: 'int', name: 'n' }, '9223372036854775808')).toBe(
      'column "n": "9223372036854775808" is out of range for int',
    );
    expect(reason({ type: 'int' }, '-9223372036854775809')).toMatch(/out of range/);
    for (const bad of ['1.5', '1e3', 'abc', '+', '--1', '1 2', '٣']) {
      expect(reason({ type: 'int', name: 'n' }, bad)).toBe(
        `column "n": ${JSON.stringify(bad)} is not an int`,
      );
    }
  });

  it('normalises floats through Number and rejects non-finite values', () => {
    expect(stored({ type: 'float' }, ' 1.50 ')).toBe('1.5');
    expect(stored({ type: 'float' }, '-.5')).toBe('-0.5');
    expect(stored({ type: 'float' }, '5.')).toBe('5');
    expect(stored({ type: 'float' }, '1E3')).toBe('1000');
    expect(stored({ type: 'float' }, '2.5e-3')).toBe('0.0025');
    expect(stored({ type: 'float' }, '0e5')).toBe('0');
    expect(stored({ type: 'float' }, '1e21')).toBe('1e+21');
    expect(reason({ type: 'float', name: 'price' }, 'abc')).toBe(
      'column "price": "abc" is not a float',
    );
    for (const bad of ['NaN', 'Infinity', '-inf', '0x10', '1,5', '.', 'e5', '1e']) {
      expect(reason({ type: 'float' }, bad)).toMatch(/is not a float$/);
    }
    expect(reason({ type: 'float' }, '1e400')).toMatch(/out of range for float$/);
    expect(reason({ type: 'float' }, '1e-400')).toMatch(/out of range for float$/);
  });

  it('normalises plain decimals exactly like String(Number(value))', () => {
    const samples = [
      '0.000001',
      '-0.0000012',
      '0.0000001',
      '-0.00',
      '+.0',
      '00.10',
      '123456789012345',
    ];
    samples.push('1234567890123456', '0.123456789012345', '0.1234567890123456', '99999999999999.9');
    samples.push('100000000000000000000', '1000000000000000000000', '12345.678900', '-007.250');
    for (let i = 0; i < 2000; i++) {
      const digits = String((i * 2654435761) % 10 ** (1 + (i % 14))).padStart(i % 9, '0');
      const cut = i % (digits.length + 1);
      samples.push(`${i % 3 ? '' : '-'}${digits.slice(0, cut)}.${digits.slice(cut)}0`);
    }
    for (const value of samples) {
      expect(stored({ type: 'float' }, value)).toBe(String(Number(value)));
    }
  });

  it('accepts the bool spellings case-insensitively', () => {
    for (const yes of ['true', 'T', 'Yes', 'y', '1', ' TRUE '])
      expect(stored({ type: 'bool' }, yes)).toBe('t');
    for (const no of ['false', 'F', 'NO', 'n', '0', ' f'])
      expect(stored({ type: 'bool' }, no)).toBe('f');
    for (const bad of ['2', 'on', 'off', 'truth', 'constructor']) {
      expect(reason({ type: 'bool', name: 'b' }, bad)).toBe(
        `column "b": ${JSON.stringify(bad)} is not a bool`,
      );
    }
  });

  it('accepts only real calendar dates in YYYY-MM-DD', () => {
    expect(stored({ type: 'date' }, '2024-02-29')).toBe('2024-02-29');
    expect(stored({ type: 'date' }, ' 0001-01-01 ')).toBe('0001-01-01');
    expect(stored({ type: 'date' }, '0099-12-31')).toBe('0099-12-31');
    expect(stored({ type: 'date' }, '9999-12-31')).toBe('9999-12-31');
    const impossible =
      '2023-02-29 2023-02-30 1900-02-29 2023-04-31 2023-13-01 2023-00-10 2023-01-00';
    const malformed = '0000-01-01 2023-1-01 20230101 2023-01-01T00:00 12/31/2023 ١٩٩٠-01-01';
    for (const value of `${impossible} ${malformed}`.split(' ')) {
      expect(reason({ type: 'date', name: 'd' }, value)).toBe(
        `column "d": ${JSON.stringify(value)} is not a date (YYYY-MM-DD)`,
      );
    }
  });

  it('escapes text for COPY and rejects NUL', () => {
    expect(stored({}, ' as is ')).toBe(' as is ');
    expect(stored({}, 'a\tb\nc\rd\\e')).toBe('a\\tb\\nc\\rd\\\\e');
    expect(stored({}, '\\.')).toBe('\\\\.');
    expect(stored({}, 'ünï "q"')).toBe('ünï "q"');
    expect(reason({ name: 'note' }, 'a\u0000b')).toBe(
      'column "note" contains a NUL character, which PostgreSQL cannot store',
    );
  });

  it('truncates the quoted bad value to 50 characters', () => {
    const long = 'x'.repeat(80);
    expect(reason({ type: 'int', name: 'n' }, long)).toBe(
      `column "n": "${'x'.repeat(50)}…" is not an int`,
    );
  });

  it('converts a parsed CSV end to end', () => {
    const text =
      'id;name;price;active;born\n1;"Ann; A.";9.50;yes;1990-05-01\n2;"line\nbreak";x;no;\n3;short\n';
    const [header, ...records] = parse(text, {
      delimiter: ';',
      quote: '"',
      relax_column_count: true,
    });
    const columns = resolveColumns(
      options({
        delimiter: ';',
        columns: [
          { name: 'id', type: 'int', nullable: false },
          { name: 'name' },
          { name: 'price', type: 'float' },
          { name: 'active', type: 'bool' },
          { name: 'born', type: 'date' },
        ],
      }),
      header,
    );
    if (typeof columns === 'string') throw new Error(columns);
    const converter = new RowConverter(columns);
    expect(records.map((r) => converter.convert(r))).toEqual([
      { ok: true, copyLine: '1\tAnn; A.\t9.5\tt\t1990-05-01\n' },
      { ok: false, reason: 'column "price": "x" is not a float' },
      { ok: false, reason: 'expected 5 fields, got 2' },
    ]);
  });
});

/** [name, sourceName, type, nullable] of each column, or the error. */
function resolve(raw: Record<string, unknown>, header: string[] | undefined) {
  const columns = resolveColumns(options(raw), header);
  return typeof columns === 'string'
    ? columns
    : columns.map((c) => [c.name, c.sourceName, c.type, c.nullable]);
}

/** The column names a header gives. */
function names(header: string[]): string[] {
  return (resolveColumns(options(), header) as CsvColumn[]).map((c) => c.name);
}

describe('resolveColumns', () => {
  const declared = [
    { name: 'a', type: 'int', nullable: false },
    { name: 'b', type: 'text', nullable: true },
  ];

  it('takes declared columns in order without a header', () => {
    expect(resolve({ columns: declared, header: false }, undefined)).toEqual([
      ['a', null, 'int', false],
      ['b', null, 'text', true],
    ]);
    expect(resolve({ header: false }, ['a'])).toBe('columns must be declared when header is false');
  });

  it('matches declared columns to the header by name, ignoring case and spaces, not position', () => {
    expect(resolve({ columns: declared }, [' B ', 'x', 'A'])).toEqual([
      ['b', ' B ', 'text', true],
      ['x', 'x', 'text', true],
      ['a', 'A', 'int', false],
    ]);
  });

  it('fails naming the declared columns the header lacks', () => {
    expect(resolve({ columns: declared }, ['x', 'b'])).toBe(
      `declared columns not found in the header: "a" (the header's 2 fields: "x", "b")`,
    );
    expect(resolve({ columns: [{ name: 'lat', from: 'Latitude' }] }, ['lat'])).toMatch(
      /not found in the header: "Latitude"/,
    );
    expect(resolve({}, undefined)).toBe('the file has no header record');
  });

  it('renames a header field with from, and reads repeated fields in order', () => {
    const columns = [
      { name: 'lat', from: 'Latitude', type: 'float' },
      { name: 'lat_again', from: 'latitude' },
      { name: 'id', from: 'column_1', type: 'int' },
    ];
    expect(resolve({ columns }, ['', 'latitude', 'Latitude', 'lat'])).toEqual([
      ['id', '', 'int', true],
      ['lat', 'latitude', 'float', true],
      ['lat_again', 'Latitude', 'text', true],
      // Its own name is taken by a declared column.
      ['lat_2', 'lat', 'text', true],
    ]);
  });

  it('derives nullable text columns from trimmed header names', () => {
    expect(resolve({}, [' id ', '\uFEFFname'])).toEqual([
      ['id', ' id ', 'text', true],
      ['name', '\uFEFFname', 'text', true],
    ]);
  });

  it('names an empty header field column_<n> (the pandas index column)', () => {
    expect(resolve({}, ['', 'a', ' ', '\0'])).toEqual([
      ['column_1', '', 'text', true],
      ['a', 'a', 'text', true],
      ['column_3', ' ', 'text', true],
      ['column_4', '\0', 'text', true],
    ]);
  });

  it('suffixes repeated names, ignoring case, with the smallest free _<k>', () => {
    expect(names(['latitude', 'latitude', 'LATITUDE'])).toEqual([
      'latitude',
      'latitude_2',
      'LATITUDE_3',
    ]);
    expect(names(['Name', 'name'])).toEqual(['Name', 'name_2']);
    // A suffixed name never takes one that another field has.
    expect(names(['a', 'a', 'a_2'])).toEqual(['a', 'a_3', 'a_2']);
    expect(names(['column_1', '', ''])).toEqual(['column_1', 'column_2', 'column_3']);
    expect(names(['', 'column_1'])).toEqual(['column_1', 'column_1_2']);
  });

  it('shortens a name over 63 bytes at a character boundary, keeping it unique', () => {
    const long = `${'x'.repeat(61)}éé-a`;
    const [first, second] = resolveColumns(options(), [long, `${long}-b`]) as CsvColumn[];
    expect(first).toMatchObject({ name: `${'x'.repeat(61)}é`, sourceName: long });
    expect(Buffer.byteLength(first.name)).toBe(63);
    expect(second.name).toBe(`${'x'.repeat(61)}_2`);
    expect(second.sourceName).toBe(`${long}-b`);
  });

  it('refuses more fields than PostgreSQL has columns', () => {
    expect(
      resolve(
        {},
        Array.from({ length: 1601 }, (_, i) => `c${i}`),
      ),
    ).toMatch(/1601 fields; at most 1600/);
  });
});

describe('fitBytes and uniqueNames', () => {
  it('cuts between characters, never inside one', () => {
    expect(fitBytes('aé€😀', 10)).toBe('aé€😀');
    expect(fitBytes('aé€😀', 9)).toBe('aé€');
    expect(fitBytes('aé€😀', 2)).toBe('a');
  });

  it('keeps fixed names and suffixes the others around them', () => {
    expect(uniqueNames(['b', 'a', 'b'], new Set([2]))).toEqual(['b_2', 'a', 'b']);
  });
});

describe('SQL builders', () => {
  const columns: TableColumn[] = [
    { name: 'my "odd" col', type: 'int', nullable: false },
    { name: 'f', type: 'float', nullable: true },
    { name: 'b', type: 'bool', nullable: true },
    { name: 'd', type: 'date', nullable: false },
    { name: 't', type: 'text', nullable: true },
  ];

  it('quotes identifiers and maps types', () => {
    expect(createTableSql('"s"."t"', columns)).toBe(
      'CREATE TABLE "s"."t" (_line bigint NOT NULL, "my ""odd"" col" bigint NOT NULL, "f" double precision, ' +
        '"b" boolean, "d" date NOT NULL, "t" text)',
    );
    expect(copySql('"s"."t"', columns)).toBe(
      'COPY "s"."t" (_line, "my ""odd"" col", "f", "b", "d", "t") FROM STDIN',
    );
  });
});

describe('rejectCsvLine', () => {
  it('quotes fields only when needed', () => {
    expect(rejectCsvLine(3, 'bad', ['a', 'b'])).toBe('3,bad,"a,b"\n');
    expect(rejectCsvLine(4, 'x "y", z', ['only'])).toBe('4,"x ""y"", z",only\n');
    expect(rejectCsvLine(5, 'r', ['a,b', 'say "hi"', 'l1\nl2'])).toBe(
      '5,r,"""a,b"",""say """"hi"""""",""l1\nl2"""\n',
    );
  });

  it('keeps the record parseable back into the original fields', () => {
    const fields = ['a,b', 'say "hi"', 'l1\r\nl2', ''];
    const [row] = parse(rejectCsvLine(7, 'why', fields));
    expect(row.slice(0, 2)).toEqual(['7', 'why']);
    expect(parse(row[2])).toEqual([fields]);
  });
});

describe('CsvImportOptions validation', () => {
  it('accepts defaults and fills them in', async () => {
    expect(await errorsOf({})).toEqual([]);
    const o = options({ columns: [{ name: 'a' }] });
    expect(o).toMatchObject({ quote: '"', header: true, encoding: 'utf8' });
    // Not given: csv.import infers it from the file.
    expect(o.delimiter).toBeUndefined();
    expect(o.maxRejectsKept).toBe(100);
    expect(o.columns?.[0]).toMatchObject({ name: 'a', type: 'text', nullable: true });
    expect(checkCsvOptions(o)).toBeUndefined();
  });

  it('reports field errors', async () => {
    expect(await errorsOf({ delimiter: ';;' })).toEqual([
      'delimiter: delimiter must be shorter than or equal to 1 characters',
    ]);
    expect(await errorsOf({ delimiter: '\n' })).toEqual([
      'delimiter: delimiter must not be a line break',
    ]);
    expect(await errorsOf({ bogus: 1 })).toEqual(['bogus: property bogus should not exist']);
    expect(await errorsOf({ columns: [{ name: 'a', type: 'money' }] })).toEqual([
      'columns.0.type: type must be one of the following values: int, float, bool, date, text',
    ]);
    expect(await errorsOf({ columns: [{ name: 'a', extra: true }] })).toEqual([
      'columns.0.extra: property extra should not exist',
    ]);
    expect(await errorsOf({ columns: [] })).toEqual([
      'columns: columns must contain at least 1 elements',
    ]);
    expect(await errorsOf({ encoding: 'ascii', maxRejectsKept: 10_001 })).toHaveLength(2);
    expect(await errorsOf({ columns: [{ name: 'a\u0000' }] })).toEqual([
      'columns.0.name: name must be 1 to 63 bytes (UTF-8) long with no NUL character',
    ]);
    expect(await errorsOf({ columns: [{ name: '_line' }] })).toEqual([
      "columns.0.name: name must not be _line, the column of each row's line number",
    ]);
  });

  it('checks cross-field rules', () => {
    expect(checkCsvOptions(options({ header: false }))).toBe(
      'columns must be declared when header is false',
    );
    expect(checkCsvOptions(options({ delimiter: '"' }))).toBe(
      'delimiter and quote must be different characters',
    );
    expect(checkCsvOptions(options({ columns: [{ name: 'Id' }, { name: 'ID' }] }))).toBe(
      'columns: duplicate column names (case-insensitive): "Id"',
    );
    expect(
      checkCsvOptions(
        options({ header: false, columns: [{ name: 'a' }, { name: 'b', from: 'B' }] }),
      ),
    ).toBe('columns.1.from names a header field, and header is false');
  });
});
