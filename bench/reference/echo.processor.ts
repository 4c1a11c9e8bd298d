import { Processor, WorkerHost } from '@nestjs/bullmq';
import type { OnApplicationBootstrap } from '@nestjs/common';
import type { Job } from 'bullmq';
import { ReferenceSettings } from './reference-settings.js';

export const ECHO_QUEUE = 'echo';

export type EchoPayload = Record<string, unknown>;

/** The echo task: returns its payload. */
@Processor(ECHO_QUEUE)
export class EchoProcessor extends WorkerHost implements OnApplicationBootstrap {
  constructor(private readonly settings: ReferenceSettings) {
    super();
  }

  // @Processor's options are fixed at import time; the worker reads its concurrency on each fetch.
  onApplicationBootstrap(): void {
    this.worker.concurrency = this.settings.workerConcurrency;
  }

  process(job: Job<EchoPayload>): Promise<EchoPayload> {
    return Promise.resolve(job.data);
  }
}
