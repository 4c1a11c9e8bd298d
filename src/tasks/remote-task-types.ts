import { Injectable } from '@nestjs/common';
import { Ajv, type ErrorObject, type ValidateFunction } from 'ajv';
import ajvFormats from 'ajv-formats';
import { Database } from '../database/database.js';
import type { FieldError } from '../http/validation.js';
import type { JsonSchema } from './options-schema.js';
import { ProcessorRegistry, type RegisteredProcessor } from './processor-registry.js';
import type { TaskTypeView } from './task-types.js';

/** A task type as a remote worker registered it (PUT /workers/{name}). */
export interface RemoteTaskType {
  type: string;
  input: 'payload' | 'file';
  options?: JsonSchema;
  mediaTypes?: string[];
  concurrency: number;
}

/** Every remote type once, as its latest registration describes it. */
const LIST = `
SELECT DISTINCT ON (t->>'type') t AS spec
FROM remote_workers w, jsonb_array_elements(w.types) AS t
ORDER BY t->>'type', w.registered_at DESC, w.tenant, w.name`;

const GET = `
SELECT t AS spec
FROM remote_workers w, jsonb_array_elements(w.types) AS t
WHERE t->>'type' = $1
ORDER BY w.registered_at DESC, w.tenant, w.name
LIMIT 1`;

const EMPTY_OPTIONS: JsonSchema = { type: 'object', additionalProperties: false };

/** A processor that is never run here: tasks of a remote type are claimed over HTTP. */
const REMOTE_INSTANCE = {
  process(): never {
    throw new Error('a remote task type is run by a remote worker, not in this process');
  },
};

/**
 * The task types: built-in ones (ProcessorRegistry) and those remote workers registered, read
 * from the database on each use so that every process sees a registration at once. A remote
 * type's options are checked with ajv against the JSON Schema it was registered with.
 */
@Injectable()
export class TaskTypeCatalog {
  private readonly ajv = new Ajv({ allErrors: true, useDefaults: true, strict: false });
  /** Compiled validators by their schema's JSON: a registration rarely changes. */
  private readonly compiled = new Map<string, ValidateFunction>();

  constructor(
    private readonly processors: ProcessorRegistry,
    private readonly database: Database,
  ) {
    // A CommonJS module: its function is the module itself at run time, `default` to TypeScript.
    const addFormats =
      (ajvFormats as unknown as { default?: typeof ajvFormats }).default ?? ajvFormats;
    (addFormats as unknown as (ajv: Ajv) => void)(this.ajv);
  }

  /** A JSON Schema ajv cannot compile: why; undefined when it can. */
  schemaProblem(schema: JsonSchema): string | undefined {
    try {
      this.validator(schema);
      return undefined;
    } catch (error) {
      return (error as Error).message;
    }
  }

  async get(type: string): Promise<RegisteredProcessor | undefined> {
    const builtIn = this.processors.get(type);
    if (builtIn) return builtIn;
    const { rows } = await this.database.query<{ spec: RemoteTaskType }>(GET, [type]);
    return rows[0] && this.remoteProcessor(rows[0].spec);
  }

  async types(): Promise<string[]> {
    const remote = (await this.remote()).map((t) => t.type);
    return [...new Set([...this.processors.types(), ...remote])].sort();
  }

  async views(): Promise<TaskTypeView[]> {
    const builtIn = this.processors.types().map((type) => {
      const { meta, optionsSchema } = this.processors.get(type) as RegisteredProcessor;
      return view(meta.type, meta.input, meta.mediaTypes, optionsSchema);
    });
    const remote = (await this.remote())
      .filter((t) => !this.processors.get(t.type))
      .map((t) => view(t.type, t.input, t.mediaTypes, t.options ?? EMPTY_OPTIONS));
    return [...builtIn, ...remote].sort((a, b) => a.type.localeCompare(b.type));
  }

  private async remote(): Promise<RemoteTaskType[]> {
    return (await this.database.query<{ spec: RemoteTaskType }>(LIST)).rows.map((r) => r.spec);
  }

  private remoteProcessor(spec: RemoteTaskType): RegisteredProcessor {
    const schema = spec.options ?? EMPTY_OPTIONS;
    const validate = this.validator(schema);
    return {
      meta: {
        type: spec.type,
        input: spec.input,
        mediaTypes: spec.mediaTypes?.length ? spec.mediaTypes : undefined,
        concurrency: spec.concurrency,
      },
      instance: REMOTE_INSTANCE,
      optionsSchema: schema,
      checkRemoteOptions: (options) => {
        const copy = structuredClone(options) as Record<string, unknown>;
        return validate(copy) ? copy : (validate.errors ?? []).map(fieldError);
      },
    };
  }

  private validator(schema: JsonSchema): ValidateFunction {
    const key = JSON.stringify(schema);
    let validate = this.compiled.get(key);
    if (!validate) {
      validate = this.ajv.compile(schema);
      this.compiled.set(key, validate);
    }
    return validate;
  }
}

function view(
  type: string,
  input: 'file' | 'payload',
  mediaTypes: string[] | undefined,
  options: JsonSchema,
): TaskTypeView {
  return { type, input, mediaTypes: input === 'file' ? [...(mediaTypes ?? [])] : [], options };
}

function fieldError(error: ErrorObject): FieldError {
  const path = error.instancePath.split('/').slice(1).join('.');
  const missing = (error.params as { missingProperty?: string }).missingProperty;
  const extra = (error.params as { additionalProperty?: string }).additionalProperty;
  const member = missing ?? extra;
  const field = ['options', path, member].filter(Boolean).join('.');
  return { field, messages: [`${field} ${error.message ?? 'is invalid'}`] };
}
