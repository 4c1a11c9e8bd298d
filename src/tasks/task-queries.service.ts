import { Injectable } from '@nestjs/common';
import { type Caller, tenantScope } from '../auth/api-key.js';
import { validationProblem } from '../http/validation.js';
import { type TaskEventView, type TaskView, toEventView, toTaskView } from './task.js';
import { TasksRepository } from './tasks.repository.js';
import { TasksService } from './tasks.service.js';
import type { ListEventsQuery, ListTasksQuery } from './tasks.dto.js';

export interface TaskPage {
  items: TaskView[];
  /** Pass as `cursor` for the next page; null on the last one. */
  nextCursor: string | null;
}

/** Listings: tasks newest first with an opaque cursor, and a task's event log. */
@Injectable()
export class TaskQueriesService {
  constructor(
    private readonly tasks: TasksRepository,
    private readonly service: TasksService,
  ) {}

  async list(caller: Caller, query: ListTasksQuery): Promise<TaskPage> {
    const rows = await this.tasks.list({
      tenant: tenantScope(caller),
      statuses: query.status,
      type: query.type,
      createdAfter: query.createdAfter,
      createdBefore: query.createdBefore,
      after: query.cursor ? decodeCursor(query.cursor) : undefined,
      limit: query.limit + 1,
    });
    const page = rows.slice(0, query.limit);
    const last = page.at(-1);
    return {
      items: page.map((row) => toTaskView(row, caller.role === 'admin')),
      nextCursor: rows.length > query.limit && last ? encodeCursor(last.created_us, last.id) : null,
    };
  }

  async events(caller: Caller, id: string, query: ListEventsQuery): Promise<TaskEventView[]> {
    const task = await this.service.find(caller, id);
    return (await this.tasks.events(task.id, query.after, query.limit)).map(toEventView);
  }
}

function encodeCursor(createdUs: string, id: string): string {
  return Buffer.from(`${createdUs}/${id}`).toString('base64url');
}

function decodeCursor(cursor: string): { createdUs: string; id: string } {
  const match = /^(\d{1,20})\/([0-9a-f-]{36})$/.exec(Buffer.from(cursor, 'base64url').toString());
  if (!match) {
    throw validationProblem([
      { field: 'cursor', messages: ['cursor is not one this API gave out'] },
    ]);
  }
  return { createdUs: match[1], id: match[2] };
}
