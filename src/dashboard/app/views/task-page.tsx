import { ErrorNote } from '../components.js';
import { href } from '../router.js';
import { TaskActions } from './task/actions.js';
import { Artifacts } from './task/artifacts.js';
import { TaskProblemNote, TaskResult } from './task/result.js';
import { TaskSummary } from './task/summary.js';
import { Timeline } from './task/timeline.js';
import { useTask } from './task/use-task.js';
import { WaitingNote } from './task/waiting.js';

/** One task, live: its state, why it waits, its events, its result or problem, its files. */
export function TaskPage({ id }: { id: string }) {
  const { task, events, error, reload, setTask } = useTask(id);

  return (
    <section class="task-page">
      <p class="crumbs">
        <a href={href('tasks')}>Tasks</a> /
      </p>
      <h1>
        Task <code class="task-id">{id}</code>
      </h1>
      {error && <ErrorNote>{error}</ErrorNote>}
      {!task && !error && <p class="loading">Loading…</p>}
      {task && (
        <>
          <TaskSummary task={task} />
          <TaskActions
            task={task}
            onChanged={(changed) => {
              setTask(changed);
              reload();
            }}
          />
          <WaitingNote task={task} />
          <TaskProblemNote task={task} />
          <TaskResult task={task} />
          <Artifacts task={task} />
          <section aria-labelledby="timeline-heading">
            <h2 id="timeline-heading">Timeline</h2>
            <Timeline events={events} />
          </section>
        </>
      )}
    </section>
  );
}
