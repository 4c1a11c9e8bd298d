import { InjectQueue } from '@nestjs/bullmq';
import { Injectable, NotFoundException } from '@nestjs/common';
import { type Job, Queue } from 'bullmq';
import { EchoEvents } from './echo.events.js';
import { ECHO_QUEUE, type EchoPayload } from './echo.processor.js';
import type { TaskView } from './tasks.dto.js';

function view(job: Job, state: string): TaskView {
  const id = job.id ?? '';
  switch (state) {
    case 'completed':
      return { id, status: 'succeeded', result: job.returnvalue as unknown, error: null };
    case 'failed':
      return { id, status: 'failed', result: null, error: { title: job.failedReason } };
    case 'active':
      return { id, status: 'running', result: null, error: null };
    default:
      return { id, status: 'queued', result: null, error: null };
  }
}

@Injectable()
export class TasksService {
  constructor(
    @InjectQueue(ECHO_QUEUE) private readonly queue: Queue<EchoPayload>,
    private readonly events: EchoEvents,
  ) {
    // Each GET waiting in job.waitUntilFinished holds a 'closing' listener on the queue until the
    // job finishes: one per concurrent long poll, more than EventEmitter's default warning at 10.
    queue.setMaxListeners(0);
  }

  async create(payload: EchoPayload): Promise<TaskView> {
    const job = await this.queue.add('echo', payload);
    return view(job, 'waiting');
  }

  /** The task now, or once it has finished if that comes within `waitMs`. */
  async find(id: string, waitMs: number): Promise<TaskView> {
    const job = await this.queue.getJob(id);
    if (!job) throw new NotFoundException(`no task ${id}`);
    if (waitMs > 0 && job.finishedOn === undefined) {
      try {
        const result: unknown = await job.waitUntilFinished(this.events.queueEvents, waitMs);
        return { id, status: 'succeeded', result, error: null };
      } catch {
        // It failed, or was still unfinished when the wait ran out: answer what it is now.
        return this.find(id, 0);
      }
    }
    return view(job, await job.getState());
  }
}
