import type { ComponentChildren } from 'preact';
import type { Task } from '../../../../client/index.js';
import { ProgressBar, StatusBadge } from '../../components.js';
import { formatBytes, formatDuration, formatFullTime, taskDuration } from '../../format.js';

/** Status, type, input, times in the viewer's zone, attempts and the progress bar. */
export function TaskSummary({ task }: { task: Task }) {
  // A succeeded task is done, whether or not its processor reported the last step.
  // A queued task has not begun: an empty bar, not the busy one of a step of unknown length.
  const percent =
    task.status === 'succeeded'
      ? 100
      : (task.progress?.percent ?? (task.status === 'queued' ? 0 : undefined));
  return (
    <div class="task-summary">
      <dl class="facts">
        <Fact term="Status">
          <StatusBadge status={task.status} />
        </Fact>
        <Fact term="Type">{task.type}</Fact>
        {task.inputFileId && (
          <Fact term="File">
            {task.inputFile ? (
              <span>
                {task.inputFile.name ?? 'unnamed'} · {formatBytes(task.inputFile.size)} ·{' '}
                {task.inputFile.mediaType}
              </span>
            ) : (
              <code>{task.inputFileId}</code>
            )}
          </Fact>
        )}
        <Fact term="Created">{formatFullTime(task.createdAt)}</Fact>
        <Fact term="Started">{formatFullTime(task.startedAt)}</Fact>
        <Fact term="Finished">{formatFullTime(task.finishedAt)}</Fact>
        <Fact term="Duration">{formatDuration(taskDuration(task))}</Fact>
        <Fact term="Attempts">
          {task.attempts} of {task.maxAttempts}
        </Fact>
        {task.runAt && task.status === 'queued' && (
          <Fact term="Runs no sooner than">{formatFullTime(task.runAt)}</Fact>
        )}
      </dl>
      <div class="task-progress">
        <ProgressBar percent={percent} label="Task progress" />
        {task.progress?.message && <span class="hint">{task.progress.message}</span>}
      </div>
    </div>
  );
}

function Fact({ term, children }: { term: string; children: ComponentChildren }) {
  return (
    <div>
      <dt>{term}</dt>
      <dd>{children}</dd>
    </div>
  );
}
