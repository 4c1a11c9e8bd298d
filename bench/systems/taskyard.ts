import type { DrainSettings, QueueSystem, SettingName } from '../lib/system.js';

function notWired(): Error {
  return new Error('Taskyard adapter not wired yet');
}

export class TaskyardSystem implements QueueSystem {
  readonly name = 'taskyard';

  drainSettings(concurrency: number): Record<SettingName, DrainSettings> {
    return { default: { concurrency }, best: { concurrency } };
  }

  setup(): Promise<void> {
    throw notWired();
  }

  enqueueOneByOne(): Promise<void> {
    throw notWired();
  }

  enqueueBulk(): Promise<void> {
    throw notWired();
  }

  drain(): Promise<void> {
    throw notWired();
  }

  pickupLatency(): Promise<number[]> {
    throw notWired();
  }

  teardown(): Promise<void> {
    throw notWired();
  }
}
