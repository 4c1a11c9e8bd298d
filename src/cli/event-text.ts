import type { TaskEvent } from '../client/index.js';
import { oneLine } from './output.js';

/** How an event reads on one line, after its kind. */
export function eventDetail(event: TaskEvent): string {
  const data = (event.data ?? {}) as Record<string, unknown>;
  switch (event.kind) {
    case 'created':
    case 'succeeded':
      return '';
    case 'started':
      return `attempt ${String(data.attempt)}`;
    case 'progress':
      return progressDetail(data);
    case 'retrying':
      return `attempt ${String(data.attempt)} (${oneLine(data.reason ?? '')})`;
    case 'failed':
    case 'cancelled': {
      const error = (data.error ?? {}) as Record<string, unknown>;
      return oneLine(error.detail ?? error.title ?? '');
    }
    default:
      return oneLine(event.data);
  }
}

/** `45% reading rows` from a progress event's data or a task's progress. */
export function progressDetail(data: Record<string, unknown>): string {
  const percent = typeof data.percent === 'number' ? `${Math.floor(data.percent)}%` : '';
  return [percent, typeof data.message === 'string' ? data.message : ''].filter(Boolean).join(' ');
}
