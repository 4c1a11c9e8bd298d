import { SetMetadata, type Type } from '@nestjs/common';
import type { Logger } from 'pino';
import type { Readable } from 'node:stream';

export const TASK_PROCESSOR_METADATA = 'taskyard:task-processor';

export interface TaskProcessorOptions {
  /** What the task works on: an uploaded file, or a JSON payload. */
  input: 'file' | 'payload';
  /**
   * The class-validator DTO of its options; without one, options must be empty. GET /task-types
   * serves the JSON Schema made from its checks (a check of your own: add @OptionsSchema).
   */
  options?: Type;
  /** A check across option fields, after the DTO's own: a message, or undefined when fine. */
  checkOptions?: (options: never) => string | undefined;
  /** The DTO of its payload (input `payload`); without one, any JSON is accepted. */
  payload?: Type;
  /** Media types its input file may have (input `file`); any when absent. */
  mediaTypes?: string[];
  /** Tasks of this type one worker process runs at once. */
  concurrency?: number;
  timeoutMs?: number;
  maxAttempts?: number;
}

export interface TaskProcessorMetadata extends TaskProcessorOptions {
  type: string;
}

/** The input file of a task. */
export interface TaskInputFile {
  id: string;
  name: string | null;
  mediaType: string;
  size: number;
  open(): Promise<Readable>;
}

/** What a processor gets: its task's input, and the ways to report on it. */
export interface TaskContext<Options = unknown> {
  taskId: string;
  tenant: string;
  type: string;
  /** 1 on the first run. A processor runs at least once: make a re-run safe. */
  attempt: number;
  options: Options;
  payload: unknown;
  file?: TaskInputFile;
  /** Fires on cancel, timeout, lost lease and shutdown: stop promptly. */
  signal: AbortSignal;
  logger: Logger;
  /** Coalesced: call it as often as you like, a few writes per second reach the database. */
  progress(percent: number, message?: string): void;
  /** An intermediate result, recorded as a `partial` event. */
  partial(data: unknown): Promise<void>;
  /**
   * Stores an output file, downloadable at /tasks/:id/artifacts/:name. A text/* artifact is served
   * with charset=utf-8: write it in UTF-8.
   */
  artifact(name: string, content: Readable | Buffer | string, mediaType?: string): Promise<void>;
}

/** A task type's implementation: one provider class per type, marked with @TaskProcessor. */
export interface TaskProcessorHandler<Options = unknown> {
  /** Its return value is the task's result (JSON). */
  process(task: TaskContext<Options>): unknown;
  /** Removes what the task left outside its artifacts, when the task is deleted. */
  cleanup?(task: { id: string; tenant: string }): Promise<void>;
}

/** Marks a provider as the processor of one task type; two processors for one type stop start-up. */
export const TaskProcessor = (type: string, options: TaskProcessorOptions): ClassDecorator =>
  SetMetadata<string, TaskProcessorMetadata>(TASK_PROCESSOR_METADATA, { type, ...options });
