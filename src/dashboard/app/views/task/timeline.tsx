import type { TaskEvent, TaskProblem } from '../../../../client/index.js';
import { formatTime } from '../../format.js';

/** Symbols beside each kind's word, so that kinds differ without colour. */
const KIND_SYMBOLS: Record<string, string> = {
  created: '+',
  started: '▶',
  progress: '…',
  partial: '◐',
  retrying: '↻',
  succeeded: '✓',
  failed: '✕',
  cancelled: '⊘',
};

/** The task's gapless event log in seq order, each event in words. */
export function Timeline({ events }: { events: TaskEvent[] }) {
  if (events.length === 0) return <p class="hint">No events yet.</p>;
  return (
    <ol class="timeline" aria-label="Events">
      {events.map((event) => (
        <li key={event.seq} class={`event event-${event.kind}`}>
          <span class="seq">#{event.seq}</span>
          <time dateTime={event.at}>{formatTime(event.at)}</time>
          <span class="kind">
            <span aria-hidden="true">{KIND_SYMBOLS[event.kind] ?? '•'} </span>
            {event.kind}
          </span>
          <span class="what">{describe(event)}</span>
        </li>
      ))}
    </ol>
  );
}

function describe(event: TaskEvent) {
  const data = (event.data ?? {}) as Record<string, unknown>;
  switch (event.kind) {
    case 'progress': {
      const percent = typeof data.percent === 'number' ? `${Math.round(data.percent)} %` : '';
      return [percent, data.message].filter(Boolean).join(' · ');
    }
    case 'started':
      return `attempt ${String(data.attempt)}`;
    case 'retrying':
      return `attempt ${String(data.attempt)}${typeof data.reason === 'string' ? ` · ${data.reason}` : ''}`;
    case 'failed':
    case 'cancelled': {
      const problem = data.error as TaskProblem | null | undefined;
      return problem ? [problem.title, problem.detail].filter(Boolean).join(': ') : '';
    }
    case 'succeeded':
      return 'result below';
    case 'created':
      return '';
    default:
      return <code class="inline-json">{JSON.stringify(event.data)}</code>;
  }
}
