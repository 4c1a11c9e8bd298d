import { IsIn, IsObject } from 'class-validator';
import type { EchoPayload } from './echo.processor.js';

export class CreateTaskDto {
  @IsIn(['echo'])
  type: 'echo';

  @IsObject()
  payload: EchoPayload;
}

/** A task as the reference answers it: Taskyard's status names, so one client reads both. */
export interface TaskView {
  id: string;
  status: 'queued' | 'running' | 'succeeded' | 'failed';
  result: unknown;
  error: { title: string } | null;
}
