import { Injectable } from '@nestjs/common';
import {
  TaskProcessor,
  type TaskContext,
  type TaskProcessorHandler,
} from '../task-processor.decorator.js';

/** Returns its payload: for demos, tests and benchmarks. */
@Injectable()
@TaskProcessor('echo', { input: 'payload' })
export class EchoProcessor implements TaskProcessorHandler {
  process(task: TaskContext): unknown {
    return task.payload;
  }
}
