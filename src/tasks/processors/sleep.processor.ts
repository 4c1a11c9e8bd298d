import { Injectable } from '@nestjs/common';
import { IsInt, Max, Min } from 'class-validator';
import { setTimeout as delay } from 'node:timers/promises';
import {
  TaskProcessor,
  type TaskContext,
  type TaskProcessorHandler,
} from '../task-processor.decorator.js';

export class SleepOptions {
  /** How long to wait, in milliseconds. */
  @IsInt()
  @Min(0)
  @Max(3_600_000)
  ms: number = 1000;
}

const STEPS = 20;

/** Waits `ms`, reporting progress, and stops at once when cancelled: for demos and tests. */
@Injectable()
@TaskProcessor('sleep', { input: 'payload', options: SleepOptions, timeoutMs: 3_700_000 })
export class SleepProcessor implements TaskProcessorHandler<SleepOptions> {
  async process(task: TaskContext<SleepOptions>): Promise<{ sleptMs: number }> {
    const started = Date.now();
    const step = task.options.ms / STEPS;
    for (let i = 1; i <= STEPS; i++) {
      await delay(step, undefined, { signal: task.signal });
      task.progress((i * 100) / STEPS, `slept ${Math.round(i * step)} of ${task.options.ms} ms`);
    }
    return { sleptMs: Date.now() - started };
  }
}
