import { Ajv, type ErrorObject, type ValidateFunction } from 'ajv';
import formats from 'ajv-formats';
import { closedSchema } from './closed-schema.js';

const BASE = 'openapi-components';

/** Validates values against the schemas of one OpenAPI document, read as closed (closed-schema.ts). */
export class SchemaValidator {
  private readonly ajv = new Ajv({ allErrors: true, strict: false });
  private readonly compiled = new WeakMap<object, ValidateFunction>();
  private readonly schemas: Record<string, unknown>;

  constructor(document: { components?: { schemas?: Record<string, unknown> } }) {
    this.schemas = document.components?.schemas ?? {};
    formats.default(this.ajv);
    const definitions = Object.fromEntries(
      Object.entries(this.schemas).map(([name, schema]) => [
        name,
        closedSchema(schema, BASE, this.schemas),
      ]),
    );
    this.ajv.addSchema({ $id: BASE, definitions });
  }

  /** Where `value` departs from `schema`, as "path: what" lines; none when it fits. */
  errors(schema: object, value: unknown): string[] {
    let validate = this.compiled.get(schema);
    if (!validate) {
      validate = this.ajv.compile(closedSchema(schema, BASE, this.schemas) as object);
      this.compiled.set(schema, validate);
    }
    return validate(value) ? [] : (validate.errors ?? []).map(describe);
  }
}

function describe(error: ErrorObject): string {
  const at = `$${error.instancePath.replaceAll('/', '.')}`;
  const extra = (error.params as { additionalProperty?: string }).additionalProperty;
  if (extra !== undefined) return `${at}.${extra}: not in the schema`;
  return `${at}: ${error.message ?? error.keyword}`;
}
