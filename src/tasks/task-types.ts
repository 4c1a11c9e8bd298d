import type { JsonSchema } from './options-schema.js';

/** A task type as GET /task-types describes it: what a client needs to submit one. */
export interface TaskTypeView {
  type: string;
  input: 'file' | 'payload';
  /** File input: the media types it takes, empty when it takes any. Payload input: empty. */
  mediaTypes: string[];
  /** The JSON Schema of its options: the rules POST /tasks checks them with. */
  options: JsonSchema;
}
