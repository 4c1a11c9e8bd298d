import type { Task } from '../../../../client/index.js';
import { formatFullTime } from '../../format.js';
import { href } from '../../router.js';

/**
 * "Why is it not running?": the server's explanation of a queued task (GET /tasks/:id `waiting`,
 * derived from the claim query's conditions), read again as the task changes and every few seconds
 * while it waits.
 */
export function WaitingNote({ task }: { task: Task }) {
  const waiting = task.waiting;
  if (!waiting) return null;
  return (
    <section class="waiting" aria-labelledby="waiting-heading" aria-live="polite">
      <h2 id="waiting-heading">
        {task.status === 'queued' ? 'Why is it not running?' : 'What is it waiting for?'}
      </h2>
      <p>{waiting.message}</p>
      {waiting.runAt && <p class="hint">That is {formatFullTime(waiting.runAt)} your time.</p>}
      {waiting.blockedBy && (
        <p class="hint">
          Held by <a href={href('tasks', waiting.blockedBy)}>task {waiting.blockedBy}</a>.
        </p>
      )}
    </section>
  );
}
