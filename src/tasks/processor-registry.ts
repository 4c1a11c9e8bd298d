import { Injectable } from '@nestjs/common';
import { DiscoveryService } from '@nestjs/core';
import {
  TASK_PROCESSOR_METADATA,
  type TaskProcessorHandler,
  type TaskProcessorMetadata,
} from './task-processor.decorator.js';

export interface RegisteredProcessor {
  meta: TaskProcessorMetadata;
  instance: TaskProcessorHandler;
}

/** Every @TaskProcessor provider, by task type; found on first use, after the providers exist. */
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
    const found = new Map<string, RegisteredProcessor>();
    for (const wrapper of this.discovery.getProviders()) {
      const meta = wrapper.metatype
        ? (Reflect.getMetadata(TASK_PROCESSOR_METADATA, wrapper.metatype) as
            TaskProcessorMetadata | undefined)
        : undefined;
      if (!meta || !wrapper.instance) continue;
      const existing = found.get(meta.type);
      if (existing) {
        throw new Error(
          `Task type "${meta.type}" has two processors: ${existing.instance.constructor.name} and ${wrapper.metatype?.name}`,
        );
      }
      found.set(meta.type, { meta, instance: wrapper.instance as TaskProcessorHandler });
    }
    this.processors = found;
    return found;
  }
}
