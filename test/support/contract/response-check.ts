import { SchemaValidator } from './schema-validator.js';
import type { Exchange } from './typed-fetch.js';

interface MediaType {
  schema?: object;
}

interface ResponseObject {
  $ref?: string;
  headers?: Record<string, { required?: boolean }>;
  content?: Record<string, MediaType>;
}

export interface ContractDocument {
  paths: Record<string, Record<string, { responses?: Record<string, ResponseObject> }>>;
  components?: {
    schemas?: Record<string, unknown>;
    responses?: Record<string, ResponseObject>;
  };
}

/**
 * Checks responses against what the document says of them: the status is documented for the
 * operation, the headers it marks required came, the content type is one it lists (a body came
 * exactly when it documents one), and the body fits that content type's schema, objects closed.
 */
export class ResponseChecker {
  private readonly validator: SchemaValidator;

  constructor(private readonly document: ContractDocument) {
    this.validator = new SchemaValidator(document);
  }

  /** What is wrong with `exchange` by the document; empty when it is as documented. */
  problems(exchange: Exchange): string[] {
    const operation = this.document.paths[exchange.template]?.[exchange.method];
    if (!operation) return ['the operation is not in the document'];
    const responses = operation.responses ?? {};
    const documented = responses[String(exchange.status)];
    if (!documented) {
      return [`status ${exchange.status} is not documented (${Object.keys(responses).join(', ')})`];
    }
    const response = this.resolve(documented);
    const missing = Object.entries(response.headers ?? {})
      .filter(([name, header]) => header.required && !(name.toLowerCase() in exchange.headers))
      .map(([name]) => `required header ${name} is missing`);
    return [...missing, ...this.bodyProblems(exchange, response.content ?? {})];
  }

  private bodyProblems(exchange: Exchange, content: Record<string, MediaType>): string[] {
    const listed = Object.keys(content);
    if (exchange.body === undefined) {
      return listed.length > 0 ? [`no body came, but the document gives ${listed.join(', ')}`] : [];
    }
    const mediaType = essence(exchange.contentType ?? '');
    if (listed.length === 0) return [`a ${mediaType} body came, but none is documented`];
    const key = listed.find((name) => mediaTypeMatches(essence(name), mediaType));
    if (key === undefined)
      return [`content type ${mediaType} is not documented (${listed.join(', ')})`];
    const schema = content[key].schema;
    return schema ? this.validator.errors(schema, exchange.body) : [];
  }

  private resolve(response: ResponseObject): ResponseObject {
    if (!response.$ref) return response;
    const name = response.$ref.replace('#/components/responses/', '');
    return this.document.components?.responses?.[name] ?? {};
  }
}

/** The media type without its parameters: `text/plain; version=0.0.4` → `text/plain`. */
function essence(contentType: string): string {
  return contentType.split(';')[0].trim().toLowerCase();
}

function mediaTypeMatches(documented: string, actual: string): boolean {
  if (documented === actual || documented === '*/*') return true;
  return documented.endsWith('/*') && actual.startsWith(documented.slice(0, -1));
}
