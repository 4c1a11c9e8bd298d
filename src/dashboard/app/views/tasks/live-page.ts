import { useEffect, useRef, useState } from 'preact/hooks';
import type { Task, Taskyard, TenantEvent } from '../../../../client/index.js';
import { errorText } from '../../components.js';
import { useLiveEvents, useSession } from '../../context.js';
import { type ListQuery, queryKey } from './list-query.js';
import { applyEvent, matchesTask, mayMatchEvent, mergeTasks } from './live-tasks.js';

export interface LivePageState {
  tasks: Task[];
  nextCursor: string | null;
  loading: boolean;
  error?: string;
  /** Not on the first page: new matching tasks created since it was opened. */
  newCount: number;
}

/** Events are applied together, at most this often: a flood re-renders a few times a second. */
const APPLY_EVERY_MS = 200;
/** Tasks the page does not know are looked up together, this long after the first one. */
const LOOK_UP_AFTER_MS = 250;
/** More unknown tasks than this at once: one reload of the first page instead of one GET each. */
const MAX_LOOKUPS = 8;

/**
 * One page of the list, kept current by the live feed without a request per event: events of
 * tasks on the page change them from the event's data; tasks the page does not know yet (new, or
 * changed into the filter) are looked up in batches, at most one batch in flight, and a batch too
 * big becomes one reload of the first page. Later pages only count the new tasks.
 */
class LivePage {
  private tasks: Task[] = [];
  private nextCursor: string | null = null;
  private loaded = false;
  private stopped = false;
  private error?: string;
  private newCount = 0;
  private events: TenantEvent[] = [];
  private readonly unknown = new Set<string>();
  /** Tasks looked up and found to be of another type than the filter's (types never change). */
  private readonly otherType = new Set<string>();
  private applyTimer?: ReturnType<typeof setTimeout>;
  private lookUpTimer?: ReturnType<typeof setTimeout>;
  private lookingUp = false;

  constructor(
    private readonly client: Taskyard,
    private readonly query: ListQuery,
    private readonly cursor: string | undefined,
    private readonly publish: (state: LivePageState) => void,
  ) {}

  async load(): Promise<void> {
    try {
      const page = await this.fetchPage(this.cursor);
      if (this.stopped) return;
      this.tasks = page.items;
      this.nextCursor = page.nextCursor;
      this.loaded = true;
      this.error = undefined;
    } catch (error) {
      this.error = errorText(error);
    }
    this.flushEvents();
    this.show();
  }

  onEvent(event: TenantEvent): void {
    this.events.push(event);
    this.applyTimer ??= setTimeout(() => this.flushEvents(), APPLY_EVERY_MS);
  }

  stop(): void {
    this.stopped = true;
    clearTimeout(this.applyTimer);
    clearTimeout(this.lookUpTimer);
  }

  private flushEvents(): void {
    clearTimeout(this.applyTimer);
    this.applyTimer = undefined;
    // Events that arrive while the page loads wait for it (those it already shows change nothing).
    if (!this.loaded || this.stopped) return;
    const events = this.events;
    this.events = [];
    const tasks = [...this.tasks];
    const index = new Map(tasks.map((task, i) => [task.id, i]));
    let changed = false;
    for (const event of events) {
      const i = index.get(event.taskId);
      if (i !== undefined) {
        const next = applyEvent(tasks[i], event);
        changed ||= next !== tasks[i];
        tasks[i] = next;
      } else if (!this.otherType.has(event.taskId) && mayMatchEvent(this.query, event)) {
        if (this.cursor === undefined) this.unknown.add(event.taskId);
        else if (event.kind === 'created') {
          this.newCount += 1;
          changed = true;
        }
      }
    }
    if (changed) {
      this.tasks = tasks;
      this.show();
    }
    this.scheduleLookUp();
  }

  private scheduleLookUp(): void {
    if (this.unknown.size === 0 || this.lookUpTimer || this.lookingUp || this.stopped) return;
    this.lookUpTimer = setTimeout(() => void this.lookUp(), LOOK_UP_AFTER_MS);
  }

  private async lookUp(): Promise<void> {
    this.lookUpTimer = undefined;
    const ids = [...this.unknown];
    this.unknown.clear();
    this.lookingUp = true;
    try {
      if (ids.length > MAX_LOOKUPS) return await this.reloadFirstPage();
      const found = await Promise.all(ids.map((id) => this.client.getTask(id).catch(() => null)));
      if (this.stopped) return;
      const matching: Task[] = [];
      for (const task of found) {
        if (!task) continue;
        if (this.query.type && task.type !== this.query.type) this.otherType.add(task.id);
        else if (matchesTask(this.query, task)) matching.push(task);
      }
      this.tasks = mergeTasks(this.tasks, matching, this.nextCursor !== null);
      if (this.tasks.length > 2 * this.query.limit) return await this.reloadFirstPage();
      this.show();
    } catch (error) {
      this.error = errorText(error);
      this.show();
    } finally {
      this.lookingUp = false;
      this.scheduleLookUp();
    }
  }

  /** The first page afresh; a task the page has seen at a later event than the answer keeps that. */
  private async reloadFirstPage(): Promise<void> {
    const page = await this.fetchPage(undefined);
    if (this.stopped) return;
    const seen = new Map(this.tasks.map((task) => [task.id, task]));
    this.tasks = page.items.map((task) => {
      const known = seen.get(task.id);
      return known && known.lastSeq > task.lastSeq ? known : task;
    });
    this.nextCursor = page.nextCursor;
    this.show();
  }

  private fetchPage(cursor: string | undefined): ReturnType<Taskyard['listTasks']> {
    const { statuses, type, limit } = this.query;
    return this.client.listTasks({
      status: statuses.length > 0 ? statuses : undefined,
      type,
      limit,
      cursor,
    });
  }

  private show(): void {
    if (this.stopped) return;
    this.publish({
      tasks: this.tasks,
      nextCursor: this.nextCursor,
      loading: !this.loaded && !this.error,
      error: this.error,
      newCount: this.newCount,
    });
  }
}

/** The page of tasks at `cursor` (none: the first) for `query`, live. */
export function useLivePage(query: ListQuery, cursor: string | undefined): LivePageState {
  const { client } = useSession();
  const [state, setState] = useState<LivePageState>({
    tasks: [],
    nextCursor: null,
    loading: true,
    newCount: 0,
  });
  const page = useRef<LivePage | undefined>(undefined);
  const key = queryKey(query);
  useEffect(() => {
    setState((previous) => ({ ...previous, loading: true, newCount: 0 }));
    const live = new LivePage(client, query, cursor, setState);
    page.current = live;
    void live.load();
    return () => live.stop();
    // eslint-disable-next-line react-hooks/exhaustive-deps
  }, [client, key, cursor]);
  useLiveEvents((event) => page.current?.onEvent(event));
  return state;
}
