import type { JsonSchema } from './options-schema.js';
import type { ProcessorRegistry, RegisteredProcessor } from './processor-registry.js';

/** A task type as GET /task-types describes it: what a client needs to submit one. */
export interface TaskTypeView {
  type: string;
  input: 'file' | 'payload';
  /** File input: the media types it takes, empty when it takes any. Payload input: empty. */
  mediaTypes: string[];
  /** The JSON Schema of its options: the rules POST /tasks checks them with. */
  options: JsonSchema;
}

/** Every registered type (built-in and a host application's), by name. */
export function taskTypes(registry: ProcessorRegistry): TaskTypeView[] {
  return registry.types().map((type) => toTaskTypeView(registry.get(type) as RegisteredProcessor));
}

function toTaskTypeView({ meta, optionsSchema }: RegisteredProcessor): TaskTypeView {
  return {
    type: meta.type,
    input: meta.input,
    mediaTypes: meta.input === 'file' ? [...(meta.mediaTypes ?? [])] : [],
    options: optionsSchema,
  };
}
