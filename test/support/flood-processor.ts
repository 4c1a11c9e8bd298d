import { Injectable, Module } from '@nestjs/common';
import {
  type TaskContext,
  TaskProcessor,
  type TaskProcessorHandler,
} from '../../src/tasks/task-processor.decorator.js';

/** A chatty processor: reports progress `payload.calls` times in a tight loop, for `payload.ms`. */
@Injectable()
@TaskProcessor('test.flood', { input: 'payload' })
class FloodProcessor implements TaskProcessorHandler {
  async process(task: TaskContext): Promise<{ calls: number }> {
    const { calls, ms } = task.payload as { calls: number; ms: number };
    const until = Date.now() + ms;
    let made = 0;
    while (Date.now() < until || made < calls) {
      for (let i = 0; i < 10_000 && made < calls; i++) task.progress((++made * 100) / calls);
      await new Promise((resolve) => setImmediate(resolve));
    }
    return { calls: made };
  }
}

@Module({ providers: [FloodProcessor] })
export class FloodProcessorModule {}
