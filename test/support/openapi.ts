import { SchemaValidator } from './contract/schema-validator.js';

/** The part of OpenAPI 3 schemas the tests name (what @nestjs/swagger emits for DTOs). */
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

const validators = new WeakMap<OpenApiDocument, SchemaValidator>();

/**
 * Where `value` departs from `schema`, as "path: what" lines. Objects are read as closed, as the
 * contract test reads them (contract/closed-schema.ts): an undocumented member shows up.
 */
export function schemaErrors(
  document: OpenApiDocument,
  schema: SchemaObject,
  value: unknown,
): string[] {
  let validator = validators.get(document);
  if (!validator) {
    validator = new SchemaValidator(document);
    validators.set(document, validator);
  }
  return validator.errors(schema, value);
}
