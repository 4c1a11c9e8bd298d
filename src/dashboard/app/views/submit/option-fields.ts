/**
 * The options form's model, made from a task type's options JSON Schema (the one the server
 * validates with, src/tasks/options-schema.ts): one field per property, the checks the schema names
 * run here as a convenience. The server's 422 stays the judge: its field errors are shown beside
 * the fields they name.
 */
type Schema = Record<string, unknown>;

export type FieldKind = 'string' | 'number' | 'boolean' | 'enum' | 'list' | 'json';
type ItemKind = 'string' | 'number' | 'integer' | 'enum';

export interface OptionField {
  name: string;
  kind: FieldKind;
  required: boolean;
  /** Null is allowed (`@IsOptional()`): leaving the field empty sends nothing. */
  nullable: boolean;
  integer: boolean;
  description?: string;
  default?: unknown;
  choices?: unknown[];
  minimum?: number;
  maximum?: number;
  minLength?: number;
  maxLength?: number;
  pattern?: string;
  /** A list's items: simple values, one per line. */
  item?: { kind: ItemKind; choices?: unknown[] };
  minItems?: number;
  maxItems?: number;
}

/** What the inputs hold: text, or a checkbox's state. */
export type RawValues = Record<string, string | boolean>;
export type FieldErrors = Record<string, string[]>;

export function optionFields(schema: Schema): OptionField[] {
  const properties = (schema.properties ?? {}) as Record<string, Schema>;
  const required = new Set((schema.required ?? []) as string[]);
  return Object.entries(properties).map(([name, property]) =>
    fieldOf(name, property, required.has(name)),
  );
}

function fieldOf(name: string, s: Schema, required: boolean): OptionField {
  const types = ([] as unknown[]).concat(s.type ?? []);
  const base = types.find((t) => t !== 'null') as string | undefined;
  const choices = Array.isArray(s.enum) ? s.enum.filter((v) => v !== null) : undefined;
  const field: OptionField = {
    name,
    kind: 'json',
    required,
    nullable: types.includes('null') || (Array.isArray(s.enum) && s.enum.includes(null)),
    integer: base === 'integer',
    description: typeof s.description === 'string' ? s.description : undefined,
    default: s.default,
    minimum: num(s.minimum),
    maximum: num(s.maximum),
    minLength: num(s.minLength),
    maxLength: num(s.maxLength),
    pattern: typeof s.pattern === 'string' ? s.pattern : undefined,
    minItems: num(s.minItems),
    maxItems: num(s.maxItems),
  };
  if (choices) return { ...field, kind: 'enum', choices };
  if (base === 'boolean') return { ...field, kind: 'boolean' };
  if (base === 'number' || base === 'integer') return { ...field, kind: 'number' };
  if (base === 'string') return { ...field, kind: 'string' };
  const item = base === 'array' ? simpleItem(s.items as Schema | undefined) : undefined;
  return item ? { ...field, kind: 'list', item } : field;
}

function simpleItem(items: Schema | undefined): OptionField['item'] {
  if (!items) return undefined;
  if (Array.isArray(items.enum)) return { kind: 'enum', choices: items.enum };
  const type = items.type;
  return type === 'string' || type === 'number' || type === 'integer' ? { kind: type } : undefined;
}

function num(value: unknown): number | undefined {
  return typeof value === 'number' ? value : undefined;
}

/** A boolean with no default that may be left out is a three-way choice, not a checkbox. */
export function isCheckbox(field: OptionField): boolean {
  return field.kind === 'boolean' && (field.default !== undefined || field.required);
}

/** The inputs' first values: each property's default, else empty. */
export function initialValues(fields: OptionField[]): RawValues {
  const values: RawValues = {};
  for (const field of fields) {
    const given = field.default;
    if (isCheckbox(field)) values[field.name] = given === true;
    else if (given === undefined || given === null) values[field.name] = '';
    else if (field.kind === 'enum' || field.kind === 'boolean')
      values[field.name] = JSON.stringify(given);
    else if (field.kind === 'list') values[field.name] = (given as unknown[]).join('\n');
    else if (field.kind === 'json') values[field.name] = JSON.stringify(given, null, 2);
    else values[field.name] = typeof given === 'string' ? given : JSON.stringify(given);
  }
  return values;
}

/** The options object the inputs say, and what is wrong with them by the schema's checks. */
export function readOptions(
  fields: OptionField[],
  values: RawValues,
): { options: Record<string, unknown>; errors: FieldErrors } {
  const options: Record<string, unknown> = {};
  const errors: FieldErrors = {};
  for (const field of fields) {
    const raw = values[field.name] ?? '';
    if (raw === '') {
      if (field.required) errors[`options.${field.name}`] = [`${field.name} is required`];
      continue;
    }
    const read = readValue(field, raw);
    if ('error' in read) errors[`options.${field.name}`] = [read.error];
    else options[field.name] = read.value;
  }
  return { options, errors };
}

type Read = { value: unknown } | { error: string };

function readValue(field: OptionField, raw: string | boolean): Read {
  if (typeof raw === 'boolean') return { value: raw };
  switch (field.kind) {
    case 'enum':
    case 'boolean':
      return { value: JSON.parse(raw) as unknown };
    case 'number':
      return readNumber(field.name, raw, field);
    case 'string':
      return checkString(field, raw);
    case 'list':
      return readList(field, raw);
    default:
      try {
        return { value: JSON.parse(raw) as unknown };
      } catch {
        return { error: `${field.name} is not valid JSON` };
      }
  }
}

function readNumber(
  name: string,
  raw: string,
  limits: { integer: boolean; minimum?: number; maximum?: number },
): Read {
  const value = Number(raw.trim());
  if (raw.trim() === '' || !Number.isFinite(value)) return { error: `${name} must be a number` };
  if (limits.integer && !Number.isInteger(value))
    return { error: `${name} must be a whole number` };
  if (limits.minimum !== undefined && value < limits.minimum) {
    return { error: `${name} must not be less than ${limits.minimum}` };
  }
  if (limits.maximum !== undefined && value > limits.maximum) {
    return { error: `${name} must not be greater than ${limits.maximum}` };
  }
  return { value };
}

function checkString(field: OptionField, value: string): Read {
  // Code points, as JSON Schema counts.
  const length = Array.from(value).length;
  if (field.minLength !== undefined && length < field.minLength) {
    return { error: `${field.name} must be at least ${field.minLength} character(s) long` };
  }
  if (field.maxLength !== undefined && length > field.maxLength) {
    return { error: `${field.name} must be at most ${field.maxLength} character(s) long` };
  }
  if (field.pattern !== undefined && !new RegExp(field.pattern, 'u').test(value)) {
    return { error: `${field.name} has a character it may not have` };
  }
  return { value };
}

function readList(field: OptionField, raw: string): Read {
  const lines = raw
    .split('\n')
    .map((line) => line.trim())
    .filter(Boolean);
  const item = field.item ?? { kind: 'string' };
  const values: unknown[] = [];
  for (const [i, line] of lines.entries()) {
    let read: Read = { value: line };
    if (item.kind === 'number' || item.kind === 'integer') {
      read = readNumber(`${field.name} line ${i + 1}`, line, { integer: item.kind === 'integer' });
    } else if (item.kind === 'enum') {
      const choice = item.choices?.find((c) => String(c) === line);
      read =
        choice === undefined
          ? { error: `${field.name} line ${i + 1} must be one of: ${item.choices?.join(', ')}` }
          : { value: choice };
    }
    if ('error' in read) return read;
    values.push(read.value);
  }
  if (field.minItems !== undefined && values.length < field.minItems) {
    return { error: `${field.name} needs at least ${field.minItems} value(s)` };
  }
  if (field.maxItems !== undefined && values.length > field.maxItems) {
    return { error: `${field.name} takes at most ${field.maxItems} value(s)` };
  }
  return { value: values };
}

/**
 * The server's field errors (`options.delimiter`, `options.columns.0.name`, `payload`, `file`) by
 * the form field they belong to; a path below a field keeps its rest in front of the message. What
 * names no field of the form (`options` as a whole, a cross-member rule) is listed apart.
 */
export function placeErrors(
  errors: { field: string; messages: string[] }[],
  optionNames: string[],
): { byField: FieldErrors; other: string[] } {
  const byField: FieldErrors = {};
  const other: string[] = [];
  for (const { field, messages } of errors) {
    const [head, name, ...rest] = field.split('.');
    let key: string | undefined;
    let below = '';
    if (head === 'options' && name !== undefined && optionNames.includes(name)) {
      key = `options.${name}`;
      below = rest.join('.');
    } else if (head === 'file' || head === 'fileId') key = 'file';
    else if (head === 'payload' || head === 'type') {
      key = head;
      below = [name, ...rest].filter(Boolean).join('.');
    }
    const shown = messages.map((m) => (below ? `${below}: ${m}` : m));
    if (key) byField[key] = [...(byField[key] ?? []), ...shown];
    else other.push(...shown.map((m) => (m.startsWith(field) ? m : `${field}: ${m}`)));
  }
  return { byField, other };
}
