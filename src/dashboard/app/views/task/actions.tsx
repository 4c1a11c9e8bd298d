import { useState } from 'preact/hooks';
import type { Task, TaskStatus } from '../../../../client/index.js';
import { ErrorNote, errorText } from '../../components.js';
import { useSession } from '../../context.js';
import { navigate } from '../../router.js';

/** The API's rules (src/tasks/tasks.service.ts): which action a task in each status takes. */
const FINISHED: TaskStatus[] = ['succeeded', 'failed', 'cancelled'];
export const canCancel = (status: TaskStatus): boolean => !FINISHED.includes(status);
export const canRetry = (status: TaskStatus): boolean =>
  status === 'failed' || status === 'cancelled';
export const canDelete = (status: TaskStatus): boolean => FINISHED.includes(status);

/** Cancel, retry and delete, each shown when the API allows it; delete asks first. */
export function TaskActions({ task, onChanged }: { task: Task; onChanged: (task: Task) => void }) {
  const { client } = useSession();
  const [busy, setBusy] = useState(false);
  const [confirming, setConfirming] = useState(false);
  const [error, setError] = useState<string>();

  const act = async (action: () => Promise<Task | void>): Promise<void> => {
    setBusy(true);
    setError(undefined);
    try {
      const changed = await action();
      if (changed) onChanged(changed);
    } catch (failure) {
      setError(errorText(failure));
    } finally {
      setBusy(false);
      setConfirming(false);
    }
  };

  const remove = async (): Promise<void> => {
    await client.deleteTask(task.id);
    navigate('tasks');
  };

  const { status } = task;
  if (!canCancel(status) && !canRetry(status) && !canDelete(status)) return null;
  return (
    <div class="task-actions" role="group" aria-label="Actions">
      {canCancel(status) && (
        <button
          type="button"
          class="secondary"
          disabled={busy}
          onClick={() => void act(() => client.cancelTask(task.id))}
        >
          Cancel task
        </button>
      )}
      {canRetry(status) && (
        <button
          type="button"
          disabled={busy}
          onClick={() => void act(() => client.retryTask(task.id))}
        >
          Retry
        </button>
      )}
      {canDelete(status) && !confirming && (
        <button type="button" class="danger" disabled={busy} onClick={() => setConfirming(true)}>
          Delete…
        </button>
      )}
      {confirming && (
        <span class="confirm" role="alertdialog" aria-label="Delete this task?">
          <span>Delete this task, its events and its artifacts? This cannot be undone.</span>
          <button type="button" class="danger" disabled={busy} onClick={() => void act(remove)}>
            Yes, delete
          </button>
          <button
            type="button"
            class="secondary"
            disabled={busy}
            onClick={() => setConfirming(false)}
          >
            Keep it
          </button>
        </span>
      )}
      {error && <ErrorNote>{error}</ErrorNote>}
    </div>
  );
}
