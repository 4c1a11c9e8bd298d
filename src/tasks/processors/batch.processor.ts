import { Injectable } from '@nestjs/common';
import { createInterface } from 'node:readline';
import { findUnstorable } from '../../http/storable-json.js';
import type { FieldError } from '../../http/validation.js';
import { TaskInputError } from '../task-errors.js';
import {
  TaskProcessor,
  type TaskContext,
  type TaskProcessorHandler,
} from '../task-processor.decorator.js';
import { type CheckedTaskSpec, type TaskSpec, unknownSpecFields } from '../task-spec.js';
import { TaskCreator } from '../task-creator.js';
import { decodeText } from './text-input.js';

const MAX_CHILDREN = 100_000;
const MAX_LINE_CHARS = 1024 * 1024;
const CHUNK = 1000;
const ERRORS_SHOWN = 20;

type Line = { line: number; spec: CheckedTaskSpec };

/**
 * An NDJSON manifest, one `{type, payload|options|fileId}` per line, becomes child tasks of the
 * same tenant. Every line is checked before any child is made. The task ends when its last child
 * does, with their tally (the database trigger sees to that).
 */
@Injectable()
@TaskProcessor('batch', {
  input: 'file',
  mediaTypes: ['application/x-ndjson', 'application/json', 'text/plain'],
})
export class BatchProcessor implements TaskProcessorHandler {
  constructor(private readonly tasks: TaskCreator) {}

  async process(task: TaskContext): Promise<{ children: number }> {
    const errors: string[] = [];
    let total = 0;
    let invalid = 0;
    for await (const item of this.lines(task, 0)) {
      if (Array.isArray(item)) {
        invalid++;
        if (errors.length < ERRORS_SHOWN) errors.push(describe(item));
      } else if (++total > MAX_CHILDREN) {
        throw new TaskInputError(`The manifest has more than ${MAX_CHILDREN} lines.`);
      }
    }
    if (invalid > 0) {
      throw new TaskInputError(
        `${invalid} line(s) of the manifest are invalid, no child was created: ${errors.join('; ')}`,
      );
    }
    let chunk: Line[] = [];
    for await (const item of this.lines(task, 50)) {
      chunk.push(item as Line);
      if (chunk.length === CHUNK) {
        await this.tasks.createChildren(parentOf(task), chunk);
        chunk = [];
        task.signal.throwIfAborted();
      }
    }
    if (chunk.length > 0) await this.tasks.createChildren(parentOf(task), chunk);
    return { children: total };
  }

  /** Each non-blank line, checked: a spec, or its errors (prefixed with the line number). */
  /** Checking reports progress from 0 to 50 %, creating from 50 to 100 %. */
  private async *lines(
    task: TaskContext,
    fromPercent: number,
  ): AsyncGenerator<Line | (FieldError & { line: number })[]> {
    const file = task.file!;
    const onBytes = (read: number): void => task.progress(fromPercent + (50 * read) / file.size);
    const text = decodeText(await file.open(), 'utf8', onBytes, () => file.open());
    let line = 0;
    for await (const raw of createInterface({ input: text, crlfDelay: Infinity })) {
      line++;
      if (raw.trim() === '') continue;
      if (raw.length > MAX_LINE_CHARS) {
        yield [{ line, field: '', messages: [`longer than ${MAX_LINE_CHARS} characters`] }];
        continue;
      }
      const checked = await this.check(task.tenant, raw);
      yield Array.isArray(checked) ? checked.map((e) => ({ ...e, line })) : { line, spec: checked };
    }
  }

  private async check(tenant: string, raw: string): Promise<CheckedTaskSpec | FieldError[]> {
    let spec: unknown;
    try {
      spec = JSON.parse(raw);
    } catch {
      return [{ field: '', messages: ['not valid JSON'] }];
    }
    if (typeof spec !== 'object' || spec === null || Array.isArray(spec)) {
      return [{ field: '', messages: ['must be a JSON object'] }];
    }
    // The whole line: its keys and values may reach the task's stored error message.
    const unstorable = findUnstorable(spec);
    if (unstorable) return [unstorable];
    const unknown = unknownSpecFields(spec);
    if (unknown.length > 0) return [{ field: unknown[0], messages: ['should not exist'] }];
    if ((spec as TaskSpec).type === 'batch') {
      return [{ field: 'type', messages: ['a batch cannot contain batches'] }];
    }
    return this.tasks.checkChildSpec(tenant, spec);
  }
}

function parentOf(task: TaskContext): { id: string; tenant: string } {
  return { id: task.taskId, tenant: task.tenant };
}

function describe(errors: (FieldError & { line: number })[]): string {
  const first = errors[0];
  const messages = errors.map((e) => (e.field ? `${e.field}: ` : '') + e.messages.join(', '));
  return `line ${first.line}: ${messages.join(', ')}`;
}
