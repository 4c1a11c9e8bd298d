import { Injectable } from '@nestjs/common';
import { DiscoveryService } from '@nestjs/core';
import type { FieldError } from '../http/validation.js';
import { type JsonSchema, optionsSchema } from './options-schema.js';
import {
  TASK_PROCESSOR_METADATA,
  type TaskProcessorHandler,
  type TaskProcessorMetadata,
} from './task-processor.decorator.js';

export interface RegisteredProcessor {
  meta: TaskProcessorMetadata;
  instance: TaskProcessorHandler;
  /** The JSON Schema of its options, from the class that validates them. */
  optionsSchema: JsonSchema;
  /**
   * A remote type's options check (ajv, against its registered JSON Schema): the options with their
   * defaults, or the field errors. Built-in types check theirs with their DTO.
   */
  checkRemoteOptions?: (options: object) => Record<string, unknown> | FieldError[];
}

/**
 * Every @TaskProcessor provider of the application, whichever module provides it (Taskyard's, or a
 * host application's), by task type. Found on first use, after the providers exist: TaskRunner
 * asks at start-up, so two processors for one type, one that cannot run, or options whose checks
 * have no JSON Schema form, stop the start-up.
 */
@Injectable()
export class ProcessorRegistry {
  private processors?: Map<string, RegisteredProcessor>;

  constructor(private readonly discovery: DiscoveryService) {}

  get(type: string): RegisteredProcessor | undefined {
    return this.load().get(type);
  }

  all(): RegisteredProcessor[] {
    return [...this.load().values()];
  }

  types(): string[] {
    return [...this.load().keys()].sort();
  }

  private load(): Map<string, RegisteredProcessor> {
    if (this.processors) return this.processors;
    const found = new Map<string, RegisteredProcessor & { where: string }>();
    for (const wrapper of this.discovery.getProviders()) {
      const meta = wrapper.metatype
        ? (Reflect.getMetadata(TASK_PROCESSOR_METADATA, wrapper.metatype) as
            TaskProcessorMetadata | undefined)
        : undefined;
      if (!meta) continue;
      const where = `${wrapper.name} (in ${wrapper.host?.name ?? 'an unknown module'})`;
      const instance = wrapper.isDependencyTreeStatic() ? wrapper.instance : undefined;
      if (!isProcessor(instance)) {
        throw new Error(
          `${where} processes task type "${meta.type}" but is not a singleton provider with a process() method`,
        );
      }
      const existing = found.get(meta.type);
      if (existing) {
        const both = [existing.where, where].sort().join(' and ');
        throw new Error(`Task type "${meta.type}" has two processors: ${both}`);
      }
      found.set(meta.type, { meta, instance, where, optionsSchema: schemaOf(meta, where) });
    }
    this.processors = found;
    return found;
  }
}

function schemaOf(meta: TaskProcessorMetadata, where: string): JsonSchema {
  try {
    return optionsSchema(meta.options);
  } catch (error) {
    throw new Error(`${where}, task type "${meta.type}": ${(error as Error).message}`, {
      cause: error,
    });
  }
}

function isProcessor(instance: unknown): instance is TaskProcessorHandler {
  return (
    typeof instance === 'object' &&
    instance !== null &&
    typeof (instance as Partial<TaskProcessorHandler>).process === 'function'
  );
}
