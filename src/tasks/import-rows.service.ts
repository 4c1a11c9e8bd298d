import { Injectable } from '@nestjs/common';
import type { Caller } from '../auth/api-key.js';
import { ProblemException } from '../http/problem.js';
import { validationProblem } from '../http/validation.js';
import type { ImportRowsPageDto, ListRowsQuery } from './import-rows.dto.js';
import type { CsvImportResult } from './processors/csv-import.processor.js';
import { LINE_COLUMN } from './processors/csv/csv-import.options.js';
import { TasksRepository } from './tasks.repository.js';
import { TasksService } from './tasks.service.js';

/** PostgreSQL's undefined_table and undefined_column. */
const GONE = new Set(['42P01', '42703']);

/** Reading what a csv.import loaded, page by page in the order it was loaded. */
@Injectable()
export class ImportRowsService {
  constructor(
    private readonly tasks: TasksRepository,
    private readonly service: TasksService,
  ) {}

  /**
   * Another tenant's task is 404 (find's rule), as is a task of another type: it has no rows. A
   * csv.import that has not succeeded is 409: its rows come when it has.
   */
  async page(caller: Caller, id: string, query: ListRowsQuery): Promise<ImportRowsPageDto> {
    const task = await this.service.find(caller, id);
    if (task.type !== 'csv.import') {
      throw new ProblemException({
        status: 404,
        detail: `Task ${id} is a ${task.type} task: only csv.import tasks have rows.`,
      });
    }
    if (task.status !== 'succeeded') {
      throw conflict(`Task ${id} is ${task.status}: its rows can be read once it has succeeded.`);
    }
    const { table, columns } = task.result as CsvImportResult;
    const afterLine = query.after === undefined ? '0' : decodeCursor(query.after);
    let rows: Record<string, unknown>[];
    try {
      rows = await this.tasks.importRows(table, columns, afterLine, query.limit + 1);
    } catch (error) {
      if (!GONE.has((error as { code?: string }).code ?? '')) throw error;
      throw conflict(
        `The table of task ${id} is gone or predates line numbers (_line): import the file again.`,
      );
    }
    const items = rows.slice(0, query.limit);
    const last = items.at(-1);
    return {
      columns,
      items,
      nextCursor:
        rows.length > query.limit && last ? encodeCursor(String(last[LINE_COLUMN])) : null,
    };
  }
}

function conflict(detail: string): ProblemException {
  return new ProblemException({ status: 409, detail });
}

function encodeCursor(line: string): string {
  return Buffer.from(`line:${line}`).toString('base64url');
}

function decodeCursor(cursor: string): string {
  const match = /^line:(\d{1,18})$/.exec(Buffer.from(cursor, 'base64url').toString());
  if (!match) {
    throw validationProblem([
      { field: 'after', messages: ['after is not a cursor this API gave out'] },
    ]);
  }
  return match[1];
}
