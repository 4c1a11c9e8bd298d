import { Body, Controller, Get, Headers, HttpCode, Param, Post } from '@nestjs/common';
import { CreateTaskDto, type TaskView } from './tasks.dto.js';
import { TasksService } from './tasks.service.js';

const MAX_WAIT_S = 60;

/** `Prefer: wait=N` (RFC 7240) in ms, at most a minute; 0 without one. */
function waitMsOf(prefer: string | undefined): number {
  const seconds = Number(/\bwait=(\d+)/.exec(prefer ?? '')?.[1] ?? 0);
  return Math.min(seconds, MAX_WAIT_S) * 1000;
}

@Controller('tasks')
export class TasksController {
  constructor(private readonly tasks: TasksService) {}

  @Post()
  @HttpCode(202)
  create(@Body() body: CreateTaskDto): Promise<TaskView> {
    return this.tasks.create(body.payload);
  }

  @Get(':id')
  find(@Param('id') id: string, @Headers('prefer') prefer?: string): Promise<TaskView> {
    return this.tasks.find(id, waitMsOf(prefer));
  }
}
