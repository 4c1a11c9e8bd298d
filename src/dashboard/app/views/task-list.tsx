import { useEffect, useState } from 'preact/hooks';
import type { Task } from '../../../client/index.js';
import { ErrorNote, errorText, ProgressBar, StatusBadge } from '../components.js';
import { useLiveEvents, useSession } from '../context.js';
import { formatDuration, formatTime, taskDuration } from '../format.js';
import { href } from '../router.js';

/** The newest tasks, kept current by the live feed. */
export function TaskList() {
  const { client } = useSession();
  const [tasks, setTasks] = useState<Task[]>([]);
  const [error, setError] = useState<string>();

  useEffect(() => {
    client.listTasks({ limit: 50 }).then(
      (page) => setTasks(page.items),
      (e) => setError(errorText(e)),
    );
  }, [client]);

  useLiveEvents((event) => {
    void client.getTask(event.taskId).then(
      (task) => setTasks((list) => [task, ...list.filter((t) => t.id !== task.id)]),
      () => undefined,
    );
  });

  return (
    <section>
      <h1>Tasks</h1>
      {error && <ErrorNote>{error}</ErrorNote>}
      <table class="tasks">
        <thead>
          <tr>
            <th scope="col">Status</th>
            <th scope="col">Type</th>
            <th scope="col">Progress</th>
            <th scope="col">Created</th>
            <th scope="col">Duration</th>
          </tr>
        </thead>
        <tbody>
          {tasks.map((task) => (
            <tr key={task.id}>
              <td>
                <a href={href('tasks', task.id)}>
                  <StatusBadge status={task.status} />
                </a>
              </td>
              <td>{task.type}</td>
              <td>
                <ProgressBar percent={task.progress?.percent} label={`Progress of ${task.id}`} />
              </td>
              <td>{formatTime(task.createdAt)}</td>
              <td>{formatDuration(taskDuration(task))}</td>
            </tr>
          ))}
        </tbody>
      </table>
    </section>
  );
}
