import { Injectable, type OnModuleInit } from '@nestjs/common';
import { DiscoveryService, MetadataScanner, Reflector } from '@nestjs/core';
import {
  JOB_HANDLER_METADATA,
  type JobHandlerFunction,
  type JobHandlerMetadata,
  type JobHandlerOptions,
} from './job-handler.decorator.js';

export interface RegisteredHandler {
  type: string;
  options: JobHandlerOptions;
  handle: JobHandlerFunction;
  /** `ClassName.method`, for messages. */
  name: string;
}

/** Every `@JobHandler` method of every provider, by job type. */
@Injectable()
export class HandlerRegistry implements OnModuleInit {
  private readonly handlers = new Map<string, RegisteredHandler>();

  constructor(
    private readonly discovery: DiscoveryService,
    private readonly scanner: MetadataScanner,
    private readonly reflector: Reflector,
  ) {}

  onModuleInit(): void {
    for (const wrapper of this.discovery.getProviders()) {
      const instance: unknown = wrapper.instance;
      if (!instance || typeof instance !== 'object' || !wrapper.isDependencyTreeStatic()) continue;
      const prototype = Object.getPrototypeOf(instance) as Record<string, unknown>;
      for (const method of this.scanner.getAllMethodNames(prototype)) {
        const fn = prototype[method];
        if (typeof fn !== 'function') continue;
        const meta = this.reflector.get<JobHandlerMetadata | undefined>(JOB_HANDLER_METADATA, fn);
        if (meta)
          this.register(
            meta,
            (fn as JobHandlerFunction).bind(instance),
            `${instance.constructor.name}.${method}`,
          );
      }
    }
  }

  get(type: string): RegisteredHandler | undefined {
    return this.handlers.get(type);
  }

  all(): RegisteredHandler[] {
    return [...this.handlers.values()];
  }

  /** The time limits handlers declare, by job type (the worker's limit when a job sets none). */
  timeoutsByType(): Record<string, number> {
    const limits: Record<string, number> = {};
    for (const { type, options } of this.handlers.values()) {
      if (options.timeoutMs !== undefined) limits[type] = options.timeoutMs;
    }
    return limits;
  }

  /** Adds a handler found elsewhere than on a @JobHandler method (task processors register here). */
  register(meta: JobHandlerMetadata, handle: JobHandlerFunction, name: string): void {
    const existing = this.handlers.get(meta.type);
    if (existing) {
      throw new Error(`Job type "${meta.type}" has two handlers: ${existing.name} and ${name}`);
    }
    this.handlers.set(meta.type, { type: meta.type, options: meta.options, handle, name });
  }
}
