import { useEffect, useRef, useState } from 'preact/hooks';
import type { Task, TaskEvent, TaskProgress } from '../../../../client/index.js';
import { errorText } from '../../components.js';
import { useLiveEvents, useSession } from '../../context.js';
import { gaplessUpTo, mergeEvents } from './event-log.js';

/** How often a queued task is read again: its reason may change with no event (a queue resumed). */
const QUEUED_REFRESH_MS = 3000;

export interface TaskState {
  task?: Task;
  events: TaskEvent[];
  error?: string;
  /** Read the task again (after an action). */
  reload: () => void;
  setTask: (task: Task) => void;
}

/**
 * A task and its event log, kept current by the live feed: each event of the task is added to the
 * log (a gap is filled from `GET /tasks/:id/events`) and the task is read again, one read at a
 * time (events that come during a read ask for one more after it).
 */
export function useTask(id: string): TaskState {
  const { client } = useSession();
  const [task, setTask] = useState<Task>();
  const [events, setEvents] = useState<TaskEvent[]>([]);
  const [error, setError] = useState<string>();
  const reading = useRef({ busy: false, again: false });
  const eventsRef = useRef<TaskEvent[]>([]);

  const addEvents = (incoming: TaskEvent[]): void => {
    eventsRef.current = mergeEvents(eventsRef.current, incoming);
    setEvents(eventsRef.current);
  };

  const reload = (): void => {
    const state = reading.current;
    if (state.busy) {
      state.again = true;
      return;
    }
    state.busy = true;
    client
      .getTask(id)
      .then(
        (read) => {
          setTask(read);
          setError(undefined);
          // The log is behind the task: read what it misses (events from before the feed was live).
          if (gaplessUpTo(eventsRef.current) < read.lastSeq) fillGap();
        },
        (e) => setError(errorText(e)),
      )
      .finally(() => {
        state.busy = false;
        if (state.again) {
          state.again = false;
          reload();
        }
      });
  };

  const fillGap = (): void => {
    client.events(id, { after: gaplessUpTo(eventsRef.current) }).then(addEvents, () => undefined);
  };

  useEffect(() => {
    eventsRef.current = [];
    setEvents([]);
    setTask(undefined);
    setError(undefined);
    reload();
  }, [client, id]);

  useLiveEvents(
    (event) => {
      if (event.taskId !== id) return;
      addEvents([event]);
      if (event.kind === 'progress') {
        setTask((t) => t && { ...t, progress: event.data as TaskProgress, lastSeq: event.seq });
      }
      reload();
    },
    [id],
  );

  const queued = task?.status === 'queued';
  useEffect(() => {
    if (!queued) return undefined;
    const timer = setInterval(reload, QUEUED_REFRESH_MS);
    return () => clearInterval(timer);
  }, [queued, id]);

  return { task, events, error, reload, setTask };
}
