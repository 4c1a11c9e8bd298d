import 'reflect-metadata';
import { plainToInstance } from 'class-transformer';
import { getMetadataStorage, type MetadataStorage, ValidationTypes } from 'class-validator';

/** A JSON Schema (the keywords draft-07 and 2020-12 share), as plain JSON. */
export type JsonSchema = { [keyword: string]: unknown };

type Metadata = ReturnType<MetadataStorage['getTargetValidationMetadatas']>[number];
type Dto = new () => object;

const FRAGMENT = 'taskyard:options-schema';

/**
 * The JSON Schema of a check that class-validator's built-in decorators do not name (a
 * `ValidateBy` of its own), merged into the property's schema. Put it in the same decorator as
 * the check, so the two are written together.
 */
export const OptionsSchema =
  (fragment: JsonSchema): PropertyDecorator =>
  (target, property) =>
    Reflect.defineMetadata(FRAGMENT, fragment, target, property);

/** Built-in checks: the JSON Schema each stands for (as class-validator applies it to JSON). */
const CHECKS: Record<string, (constraints: unknown[]) => JsonSchema> = {
  isString: () => ({ type: 'string' }),
  isInt: () => ({ type: 'integer' }),
  isNumber: ([options]) => {
    if ((options as { maxDecimalPlaces?: number } | undefined)?.maxDecimalPlaces !== undefined) {
      throw new Error('IsNumber with maxDecimalPlaces has no JSON Schema form');
    }
    return { type: 'number' };
  },
  isBoolean: () => ({ type: 'boolean' }),
  isIn: ([values]) => ({ enum: values }),
  isEnum: ([entity]) => ({ enum: Object.values(entity as object) }),
  min: ([n]) => ({ minimum: n }),
  max: ([n]) => ({ maximum: n }),
  isLength: ([min, max]) => ({ type: 'string', minLength: min, maxLength: max }),
  minLength: ([n]) => ({ type: 'string', minLength: n }),
  maxLength: ([n]) => ({ type: 'string', maxLength: n }),
  matches: ([pattern, modifiers]) => ({ type: 'string', pattern: patternOf(pattern, modifiers) }),
  isArray: () => ({ type: 'array' }),
  arrayNotEmpty: () => ({ type: 'array', minItems: 1 }),
  arrayMinSize: ([n]) => ({ type: 'array', minItems: n }),
  arrayMaxSize: ([n]) => ({ type: 'array', maxItems: n }),
};

/**
 * The JSON Schema of an options class, from the class-validator metadata the server validates
 * with (src/tasks/task-spec.ts): so there is one set of rules. What that validation does, the
 * schema says: members not declared are refused (`additionalProperties: false`, forbidNonWhitelisted),
 * a member with a default is not required (the default is filled in), `@IsOptional()` also lets
 * null through, nested classes (`@ValidateNested()` + `@Type()`) are described in place. A check
 * with no JSON Schema form throws, naming it: the schema must not be looser than the server
 * without saying so. Checks across members (`checkOptions`) stay the server's.
 */
export function optionsSchema(dto: Dto | undefined): JsonSchema {
  if (!dto) return { type: 'object', properties: {}, additionalProperties: false };
  // Through JSON: constraints left undefined (Length without a maximum) disappear.
  return JSON.parse(JSON.stringify(objectSchema(dto, []))) as JsonSchema;
}

function objectSchema(dto: Dto, seen: Dto[]): JsonSchema {
  if (seen.includes(dto)) throw new Error(`${dto.name} contains itself: it has no finite schema`);
  const metadata = getMetadataStorage().getTargetValidationMetadatas(dto, '', false, false);
  const byProperty = new Map<string, Metadata[]>();
  for (const m of metadata)
    byProperty.set(m.propertyName, [...(byProperty.get(m.propertyName) ?? []), m]);
  const defaults = new dto() as Record<string, unknown>;
  const properties: Record<string, JsonSchema> = {};
  const required: string[] = [];
  for (const [name, checks] of byProperty) {
    const optional = checks.some(isOptional);
    const schema = propertySchema(dto, name, checks, [...seen, dto]);
    const fallback = defaults[name];
    if (fallback !== undefined) schema.default = JSON.parse(JSON.stringify(fallback));
    properties[name] = optional ? nullable(schema) : schema;
    if (!optional && fallback === undefined) required.push(name);
  }
  return {
    type: 'object',
    properties,
    ...(required.length > 0 ? { required } : {}),
    additionalProperties: false,
  };
}

function propertySchema(dto: Dto, name: string, checks: Metadata[], seen: Dto[]): JsonSchema {
  const where = `${dto.name}.${name}`;
  const fragment = Reflect.getMetadata(FRAGMENT, dto.prototype, name) as JsonSchema | undefined;
  const own: JsonSchema = {};
  const each: JsonSchema = {};
  let nested: Dto | undefined;
  for (const check of checks) {
    if (isOptional(check) || check.type === ValidationTypes.WHITELIST) continue;
    if (check.type === ValidationTypes.NESTED_VALIDATION) {
      nested = nestedClass(
        dto,
        name,
        checks.some((c) => c.name === 'isArray'),
      );
      continue;
    }
    const convert = check.name === undefined ? undefined : CHECKS[check.name];
    if (!convert) {
      if (fragment && check.type === ValidationTypes.CUSTOM_VALIDATION) continue;
      throw new Error(
        `${where}: the check ${check.name ?? check.type} has no JSON Schema form; describe it with @OptionsSchema()`,
      );
    }
    Object.assign(check.each ? each : own, convert(check.constraints ?? []));
  }
  if (nested) {
    const inner = objectSchema(nested, seen);
    if (own.type === 'array') Object.assign(each, inner);
    else Object.assign(own, inner);
  }
  if (Object.keys(each).length > 0) own.items = each;
  // Min and Max alone accept any number (class-validator's min() is typeof 'number' and >=).
  if (('minimum' in own || 'maximum' in own) && own.type === undefined) own.type = 'number';
  return { ...own, ...fragment };
}

/** `@IsOptional()`: null and undefined skip every other check. (`@ValidateIf` has no schema.) */
function isOptional(check: Metadata): boolean {
  return check.type === ValidationTypes.CONDITIONAL_VALIDATION && check.name === 'isOptional';
}

function nullable(schema: JsonSchema): JsonSchema {
  const out = { ...schema };
  if (typeof out.type === 'string') out.type = [out.type, 'null'];
  if (Array.isArray(out.enum)) out.enum = [...(out.enum as unknown[]), null];
  return out;
}

/** The class `@Type()` gives a nested member, found as the server finds it: by transforming. */
function nestedClass(dto: Dto, name: string, isArray: boolean): Dto {
  const probe = plainToInstance(dto, { [name]: isArray ? [{}] : {} }) as Record<string, unknown>;
  const value = isArray ? (probe[name] as unknown[])[0] : probe[name];
  const nested = (value as object).constructor as Dto;
  if (nested === Object) {
    throw new Error(`${dto.name}.${name}: @ValidateNested() needs @Type(() => TheClass)`);
  }
  return nested;
}

/** A RegExp's source; flags other than `u` change its meaning and JSON Schema has none. */
function patternOf(pattern: unknown, modifiers: unknown): string {
  const flags =
    pattern instanceof RegExp ? pattern.flags : typeof modifiers === 'string' ? modifiers : '';
  if (flags.replace('u', '') !== '') {
    throw new Error(`the pattern ${String(pattern)} has flags (${flags}) JSON Schema cannot carry`);
  }
  return pattern instanceof RegExp ? pattern.source : String(pattern);
}
