/** The part of OpenAPI 3 schemas this checker understands (what @nestjs/swagger emits for DTOs). */
export interface SchemaObject {
  $ref?: string;
  type?: string;
  enum?: unknown[];
  properties?: Record<string, SchemaObject>;
  required?: string[];
  additionalProperties?: boolean | SchemaObject;
  items?: SchemaObject;
  nullable?: boolean;
  allOf?: SchemaObject[];
  /** `anyOf: [{}]` is how the document writes "any JSON value". */
  anyOf?: SchemaObject[];
}

export interface OpenApiDocument {
  paths: Record<string, Record<string, OperationObject>>;
  components?: {
    schemas?: Record<string, SchemaObject>;
    securitySchemes?: Record<string, Record<string, unknown>>;
  };
}

export interface OperationObject {
  operationId?: string;
  parameters?: { name: string; in: string; required?: boolean }[];
  security?: Record<string, string[]>[];
  responses: Record<string, ResponseObject>;
}

export interface ResponseObject {
  headers?: Record<string, unknown>;
  content?: Record<string, { schema: SchemaObject }>;
}

/** The schema a document gives for one response, e.g. ('/health/ready', 'get', '503'). */
export function responseSchema(
  document: OpenApiDocument,
  path: string,
  method: string,
  status: string,
  mediaType = 'application/json',
): SchemaObject {
  const content = document.paths[path]?.[method]?.responses[status]?.content;
  const schema = content?.[mediaType]?.schema;
  if (!schema) throw new Error(`${method} ${path} documents no ${mediaType} body for ${status}`);
  return schema;
}

/**
 * Where `value` departs from `schema`, as "path: what" lines. Objects are read as closed: a member
 * the schema does not name is an error unless `additionalProperties` allows it, so an undocumented
 * member shows up.
 */
export function schemaErrors(
  document: OpenApiDocument,
  schema: SchemaObject,
  value: unknown,
  at = '$',
): string[] {
  if (schema.$ref) {
    const name = schema.$ref.replace('#/components/schemas/', '');
    const target = document.components?.schemas?.[name];
    return target ? schemaErrors(document, target, value, at) : [`${at}: unknown ${schema.$ref}`];
  }
  // Before allOf: `{nullable, allOf: [$ref]}` is how the document writes an optional object.
  if (value === null && schema.nullable) return [];
  if (schema.allOf) return schema.allOf.flatMap((s) => schemaErrors(document, s, value, at));
  if (schema.anyOf) {
    const fits = schema.anyOf.some((s) => schemaErrors(document, s, value, at).length === 0);
    return fits ? [] : [`${at}: matches none of anyOf`];
  }
  if (value === null) return isAnyValue(schema) ? [] : [`${at}: null`];
  if (schema.enum && !schema.enum.includes(value))
    return [`${at}: ${JSON.stringify(value)} not in enum`];
  const type = schema.type ?? (schema.properties ? 'object' : undefined);
  if (type === 'object') return objectErrors(document, schema, value, at);
  if (type === 'array') {
    if (!Array.isArray(value)) return [`${at}: not an array`];
    return value.flatMap((item, i) =>
      schemaErrors(document, schema.items ?? {}, item, `${at}[${i}]`),
    );
  }
  if (type === 'integer') return Number.isInteger(value) ? [] : [`${at}: not an integer`];
  if (type && typeof value !== type) return [`${at}: ${typeof value}, not ${type}`];
  return [];
}

/** A schema that names no type, shape or values: any JSON value, null included. */
function isAnyValue(schema: SchemaObject): boolean {
  return !schema.type && !schema.properties && !schema.items && !schema.enum;
}

function objectErrors(
  document: OpenApiDocument,
  schema: SchemaObject,
  value: unknown,
  at: string,
): string[] {
  if (typeof value !== 'object' || value === null || Array.isArray(value)) {
    return [`${at}: not an object`];
  }
  const record = value as Record<string, unknown>;
  const properties = schema.properties ?? {};
  const errors = (schema.required ?? [])
    .filter((name) => !(name in record))
    .map((name) => `${at}.${name}: missing`);
  for (const [name, member] of Object.entries(record)) {
    const own = properties[name];
    const extra = schema.additionalProperties;
    if (own) errors.push(...schemaErrors(document, own, member, `${at}.${name}`));
    else if (typeof extra === 'object')
      errors.push(...schemaErrors(document, extra, member, `${at}.${name}`));
    else if (extra !== true) errors.push(`${at}.${name}: not in the schema`);
  }
  return errors;
}
