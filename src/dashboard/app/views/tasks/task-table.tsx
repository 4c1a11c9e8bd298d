import { useEffect, useState } from 'preact/hooks';
import type { Task } from '../../../../client/index.js';
import { ProgressBar, StatusBadge } from '../../components.js';
import {
  formatBytes,
  formatDuration,
  formatFullTime,
  formatTime,
  taskDuration,
} from '../../format.js';
import { href } from '../../router.js';

/** The tasks of one page; on a phone each row is a card (table.cards). */
export function TaskTable({ tasks }: { tasks: Task[] }) {
  useTicking(tasks.some((task) => task.status === 'running'));
  return (
    <table class="tasks cards">
      <thead>
        <tr>
          <th scope="col">Status</th>
          <th scope="col">Type</th>
          <th scope="col">File</th>
          <th scope="col">Progress</th>
          <th scope="col">Created</th>
          <th scope="col">Duration</th>
          <th scope="col">Id</th>
        </tr>
      </thead>
      <tbody>
        {tasks.map((task) => (
          <TaskRow key={task.id} task={task} />
        ))}
      </tbody>
    </table>
  );
}

function TaskRow({ task }: { task: Task }) {
  const short = task.id.slice(0, 8);
  return (
    <tr>
      <td data-label="Status">
        <a href={href('tasks', task.id)}>
          <StatusBadge status={task.status} />
        </a>
      </td>
      <td data-label="Type">{task.type}</td>
      <td data-label="File" class="file-name">
        <FileName task={task} />
      </td>
      <td data-label="Progress">
        <ProgressBar percent={shownPercent(task)} label={`Progress of task ${short}`} />
      </td>
      <td data-label="Created">
        <time dateTime={task.createdAt} title={formatFullTime(task.createdAt)}>
          {formatTime(task.createdAt)}
        </time>
      </td>
      <td data-label="Duration" class="number">
        {formatDuration(taskDuration(task))}
      </td>
      <td data-label="Id">
        <a href={href('tasks', task.id)} title={task.id}>
          <code>{short}</code>
        </a>
      </td>
    </tr>
  );
}

function FileName({ task }: { task: Task }) {
  const file = task.inputFile;
  if (!file) return <span class="hint">{task.inputFileId ? 'unnamed file' : '–'}</span>;
  return (
    <span title={`${file.mediaType}, ${formatBytes(file.size)}`}>
      {file.name ?? 'unnamed file'}
    </span>
  );
}

/** A succeeded task is done, a queued one not begun; a running one without a number is busy. */
function shownPercent(task: Task): number | undefined {
  if (task.status === 'succeeded') return 100;
  if (task.status === 'queued') return task.progress?.percent ?? 0;
  if (task.status === 'running') return task.progress?.percent;
  return task.progress?.percent ?? 0;
}

/** Re-renders every second while `on`, so that running tasks' durations count up. */
function useTicking(on: boolean): void {
  const [, setTick] = useState(0);
  useEffect(() => {
    const timer = on ? setInterval(() => setTick((tick) => tick + 1), 1000) : undefined;
    return () => clearInterval(timer);
  }, [on]);
}
