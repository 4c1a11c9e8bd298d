import type { Task, Taskyard } from '../client/index.js';
import type { CliContext } from './context.js';
import type { Display } from './display.js';
import { CliError, EXIT } from './errors.js';
import { print, printJson } from './output.js';
import { taskFailure, taskSummary } from './task-view.js';

/** How long a cancel sent on the way out (Ctrl-C with --cancel-on-exit) may take. */
const CANCEL_TIMEOUT_MS = 10_000;

export interface FollowFlags {
  follow?: boolean;
  cancelOnExit?: boolean;
}

/**
 * What `submit` and `run` do once the task exists: print it, or follow it to its end and print
 * how it ended. A failed or cancelled task ends the command with its problem's title.
 */
export async function finishCommand(
  context: CliContext,
  client: Taskyard,
  task: Task,
  display: Display,
  flags: FollowFlags,
): Promise<void> {
  display.created(task);
  if (!flags.follow) {
    display.stop();
    if (context.json) printJson(task);
    return;
  }
  const final = await followToEnd(context, client, task, display, flags.cancelOnExit === true);
  if (context.json) printJson(final);
  else print(taskSummary(final));
  const failure = taskFailure(final);
  if (failure) throw failure;
}

/**
 * Shows a task's events until it ends, and answers the finished task. Ctrl-C stops following and
 * leaves the task running, or cancels it with `cancelOnExit`; either way the command exits 130.
 */
async function followToEnd(
  context: CliContext,
  client: Taskyard,
  task: Task,
  display: Display,
  cancelOnExit: boolean,
): Promise<Task> {
  const { signal } = context;
  try {
    for await (const event of client.follow(task.id, { signal })) display.event(event);
    return await client.wait(task.id, { signal });
  } catch (error) {
    if (!signal.aborted) throw error;
    display.stop();
    if (!cancelOnExit) {
      throw new CliError(
        `stopped following; task ${task.id} keeps running (taskyard tasks get ${task.id})`,
        EXIT.interrupted,
      );
    }
    await client.cancelTask(task.id, { timeoutMs: CANCEL_TIMEOUT_MS });
    // A running task stops within a second or so; say how it ended when it has.
    const ended = await client
      .wait(task.id, { timeoutMs: CANCEL_TIMEOUT_MS })
      .catch(() => undefined);
    throw new CliError(
      `stopped following; task ${task.id} ${ended ? ended.status : 'is being cancelled'}`,
      EXIT.interrupted,
    );
  } finally {
    display.stop();
  }
}
