import { Global, Module } from '@nestjs/common';
import { DiscoveryModule } from '@nestjs/core';
import { HandlerRegistry } from './handler-registry.js';
import { JobsMetrics } from './jobs.metrics.js';
import { JobsService } from './jobs.service.js';

/** The queue engine, for every role: enqueue from anywhere; the worker module runs the jobs. */
@Global()
@Module({
  imports: [DiscoveryModule],
  providers: [HandlerRegistry, JobsService, JobsMetrics],
  exports: [HandlerRegistry, JobsService, JobsMetrics],
})
export class JobsModule {}
