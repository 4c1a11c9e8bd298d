import { plainToInstance } from 'class-transformer';
import { validate } from 'class-validator';
import { ProblemException } from '../http/problem.js';
import { findUnstorable } from '../http/storable-json.js';
import { type FieldError, flattenValidationErrors, validationProblem } from '../http/validation.js';
import { callbackUrlProblem } from '../webhooks/hook-url.js';
import type { RegisteredProcessor } from './processor-registry.js';
import type { TaskTypeCatalog } from './remote-task-types.js';

/** What a client asks for: over REST, or as one line of a batch manifest. */
export interface TaskSpec {
  type?: unknown;
  payload?: unknown;
  options?: unknown;
  fileId?: unknown;
  concurrencyKey?: unknown;
  callbackUrl?: unknown;
}

const SPEC_FIELDS: ReadonlySet<string> = new Set([
  'type',
  'payload',
  'options',
  'fileId',
  'concurrencyKey',
  'callbackUrl',
]);

/** A concurrency key as a client gives it: printable, no spaces, as an Idempotency-Key. */
export const CONCURRENCY_KEY_PATTERN = /^[\x21-\x7e]{1,200}$/;

/** The keys of a JSON spec (a request body, a manifest line) that a TaskSpec does not have. */
export function unknownSpecFields(spec: object): string[] {
  return Object.keys(spec).filter((key) => !SPEC_FIELDS.has(key));
}

/** A spec that passed its processor's checks: options with their defaults filled in. */
export interface CheckedTaskSpec {
  processor: RegisteredProcessor;
  type: string;
  options: Record<string, unknown>;
  payload: unknown;
  fileId?: string;
  /** Never two running tasks of the tenant with this key at once. */
  concurrencyKey?: string;
  /** Where the task's terminal events are POSTed. */
  callbackUrl?: string;
}

/**
 * Checks a spec against its type's processor: a known type, the right kind of input, options and
 * payload valid for their DTOs. `hasFile`: the request carries a file of its own (multipart).
 */
export async function checkTaskSpec(
  processors: Pick<TaskTypeCatalog, 'get' | 'types'>,
  spec: TaskSpec,
  hasFile = false,
): Promise<CheckedTaskSpec | FieldError[]> {
  const processor = typeof spec.type === 'string' ? await processors.get(spec.type) : undefined;
  if (!processor) {
    const types = (await processors.types()).join(', ');
    return [{ field: 'type', messages: [`type must be one of: ${types}`] }];
  }
  // Before the DTOs: class-transformer recurses, and what PostgreSQL refuses must not reach it.
  const unstorable =
    findUnstorable(spec.payload, 'payload') ?? findUnstorable(spec.options, 'options');
  if (unstorable) return [unstorable];
  const errors: FieldError[] = [];
  const { meta } = processor;
  const fileId = typeof spec.fileId === 'string' ? spec.fileId : undefined;
  if (spec.fileId !== undefined && !fileId) errors.push(field('fileId', 'fileId must be a string'));
  if (meta.input === 'file' && !hasFile && !fileId) {
    errors.push(field('fileId', `${meta.type} works on a file: upload one, or give fileId`));
  }
  if (meta.input === 'payload' && (hasFile || fileId)) {
    errors.push(field('fileId', `${meta.type} takes a payload, not a file`));
  }
  if (meta.input === 'file' && spec.payload !== undefined) {
    errors.push(field('payload', `${meta.type} takes a file, not a payload`));
  }
  const concurrencyKey = checkConcurrencyKey(spec.concurrencyKey, errors);
  const callbackUrl = checkCallbackUrl(spec.callbackUrl, errors);
  const options = processor.checkRemoteOptions
    ? checkRemoteOptions(processor.checkRemoteOptions, spec.options, errors)
    : await checkDto(meta.options, spec.options, 'options', errors);
  const payload = meta.payload
    ? await checkDto(meta.payload, spec.payload, 'payload', errors)
    : (spec.payload ?? null);
  if (errors.length === 0 && meta.checkOptions) {
    const problem = meta.checkOptions(options as never);
    if (problem) errors.push(field('options', problem));
  }
  if (errors.length > 0) return errors;
  return {
    processor,
    type: meta.type,
    options,
    payload,
    fileId,
    ...(concurrencyKey !== undefined && { concurrencyKey }),
    ...(callbackUrl !== undefined && { callbackUrl }),
  };
}

/** A file task's input: of a type its processor reads, and not empty. */
export function checkInputFile(
  spec: CheckedTaskSpec,
  file: { mediaType: string; size: number },
  at: 'file' | 'fileId',
): void {
  if (file.size === 0) {
    throw validationProblem([
      { field: at, messages: [`${spec.type} needs a file with content; this one is empty`] },
    ]);
  }
  const accepted = spec.processor.meta.mediaTypes;
  if (accepted && !accepted.includes(file.mediaType)) {
    throw new ProblemException({
      status: 415,
      detail: `${spec.type} accepts files of type ${accepted.join(', ')}; this one is ${file.mediaType}.`,
      extensions: { field: at, mediaType: file.mediaType, accepted },
    });
  }
}

function checkConcurrencyKey(raw: unknown, errors: FieldError[]): string | undefined {
  if (raw === undefined) return undefined;
  if (typeof raw === 'string' && CONCURRENCY_KEY_PATTERN.test(raw)) return raw;
  errors.push(
    field('concurrencyKey', 'concurrencyKey must be 1 to 200 printable ASCII characters'),
  );
  return undefined;
}

function checkCallbackUrl(raw: unknown, errors: FieldError[]): string | undefined {
  if (raw === undefined) return undefined;
  const problem = callbackUrlProblem(raw);
  if (problem === undefined) return raw as string;
  errors.push(field('callbackUrl', problem));
  return undefined;
}

function checkRemoteOptions(
  check: NonNullable<RegisteredProcessor['checkRemoteOptions']>,
  raw: unknown,
  errors: FieldError[],
): Record<string, unknown> {
  const value = raw ?? {};
  if (typeof value !== 'object' || Array.isArray(value)) {
    errors.push(field('options', 'options must be a JSON object'));
    return {};
  }
  const checked = check(value);
  if (!Array.isArray(checked)) return checked;
  errors.push(...checked);
  return {};
}

async function checkDto(
  dto: (new () => object) | undefined,
  raw: unknown,
  name: string,
  errors: FieldError[],
): Promise<Record<string, unknown>> {
  const value = raw ?? {};
  if (typeof value !== 'object' || Array.isArray(value)) {
    errors.push(field(name, `${name} must be a JSON object`));
    return {};
  }
  if (!dto) {
    if (Object.keys(value).length > 0) errors.push(field(name, `this type takes no ${name}`));
    return {};
  }
  const instance = plainToInstance(dto, value);
  const found = await validate(instance, { whitelist: true, forbidNonWhitelisted: true });
  errors.push(...flattenValidationErrors(found, name), ...droppedKeys(value, instance, name));
  // Plain JSON again: stored with the task, defaults included, so it shows what will run.
  return JSON.parse(JSON.stringify(instance)) as Record<string, unknown>;
}

/**
 * Keys of the input that class-transformer leaves out of the instance without a word (`__proto__`,
 * `constructor`), which forbidNonWhitelisted therefore never sees: unknown keys all the same, at
 * any depth of nested option objects.
 */
function droppedKeys(raw: unknown, instance: unknown, path: string): FieldError[] {
  if (typeof raw !== 'object' || raw === null || typeof instance !== 'object' || !instance) {
    return [];
  }
  return Object.keys(raw).flatMap((key) => {
    const at = `${path}.${key}`;
    if (!Object.hasOwn(instance, key)) return [field(at, `property ${key} should not exist`)];
    const inner = (instance as Record<string, unknown>)[key];
    return droppedKeys((raw as Record<string, unknown>)[key], inner, at);
  });
}

function field(name: string, message: string): FieldError {
  return { field: name, messages: [message] };
}
