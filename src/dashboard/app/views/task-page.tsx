import { useEffect, useState } from 'preact/hooks';
import type { Task } from '../../../client/index.js';
import { ErrorNote, errorText, StatusBadge } from '../components.js';
import { useLiveEvents, useSession } from '../context.js';

export function TaskPage({ id }: { id: string }) {
  const { client } = useSession();
  const [task, setTask] = useState<Task>();
  const [error, setError] = useState<string>();
  const load = (): void => {
    client.getTask(id).then(setTask, (e) => setError(errorText(e)));
  };
  useEffect(load, [client, id]);
  useLiveEvents((event) => event.taskId === id && load(), [id]);

  return (
    <section>
      <h1>Task {id}</h1>
      {error && <ErrorNote>{error}</ErrorNote>}
      {task && <StatusBadge status={task.status} />}
    </section>
  );
}
