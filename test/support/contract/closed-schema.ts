type Node = Record<string, unknown>;

/** Keywords whose value is one schema, or a list or map of schemas. */
const ONE = ['items', 'not', 'additionalProperties'];
const LIST = ['allOf', 'anyOf', 'oneOf'];
const MAP = ['properties'];
/** Keywords OpenAPI adds that JSON Schema validators do not know. */
const OPENAPI_ONLY = ['nullable', 'example', 'discriminator', 'xml', 'externalDocs'];

/**
 * An OpenAPI 3.0 or 3.1 schema as plain JSON Schema (draft-07), read strictly:
 * - an object schema without `additionalProperties` is closed, so a member the document does not
 *   name fails (OpenAPI leaves such objects open; a contract that is to stay true cannot);
 * - `nullable: true` (3.0) allows null;
 * - an object made of `allOf`, `anyOf` or `oneOf` parts is as closed as they are;
 * - `#/components/schemas/X` becomes `<base>#/definitions/X`, for a schema registered under `base`.
 * Several object schemas joined by `allOf` are merged first, since closing each would refuse the
 * members of the others.
 */
export function closedSchema(schema: unknown, base: string, components: Node = {}): unknown {
  if (Array.isArray(schema)) return schema.map((item) => closedSchema(item, base, components));
  if (!isNode(schema)) return schema;
  if (typeof schema.$ref === 'string') {
    return { $ref: schema.$ref.replace('#/components/schemas/', `${base}#/definitions/`) };
  }
  if (Array.isArray(schema.allOf) && schema.allOf.length > 1) {
    const { allOf, ...rest } = schema;
    return closedSchema(mergeObjects([rest, ...allOf], components), base, components);
  }
  const out: Node = {};
  for (const [key, value] of Object.entries(schema)) {
    if (OPENAPI_ONLY.includes(key)) continue;
    if (key === 'format' && value === 'binary') continue;
    if (ONE.includes(key) && isNode(value)) out[key] = closedSchema(value, base, components);
    else if (LIST.includes(key) && Array.isArray(value))
      out[key] = value.map((item) => closedSchema(item, base, components));
    else if (MAP.includes(key) && isNode(value))
      out[key] = Object.fromEntries(
        Object.entries(value).map(([name, member]) => [
          name,
          closedSchema(member, base, components),
        ]),
      );
    else out[key] = value;
  }
  const isObject = out.type === 'object' || 'properties' in out;
  // A composition ({type: object, allOf: [$ref]} for a nullable member) has the shape of its parts.
  const composed = LIST.some((key) => key in out);
  if (isObject && !composed && !('additionalProperties' in out)) out.additionalProperties = false;
  return schema.nullable === true ? { anyOf: [out, { type: 'null' }] } : out;
}

/** One object schema with the members and required names of all of `parts` (refs followed). */
function mergeObjects(parts: unknown[], components: Node): Node {
  const merged: Node = { type: 'object', properties: {}, required: [] };
  for (const part of parts.map((p) => resolve(p, components))) {
    Object.assign(merged.properties as Node, part.properties ?? {});
    (merged.required as string[]).push(...((part.required as string[] | undefined) ?? []));
    for (const [key, value] of Object.entries(part)) {
      if (!['properties', 'required', 'type', 'allOf'].includes(key)) merged[key] = value;
    }
  }
  return merged;
}

function resolve(schema: unknown, components: Node): Node {
  if (!isNode(schema)) return {};
  if (typeof schema.$ref !== 'string') return schema;
  const name = schema.$ref.replace('#/components/schemas/', '');
  return resolve(components[name], components);
}

function isNode(value: unknown): value is Node {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}
