import { useState } from 'preact/hooks';
import { ErrorNote } from '../components.js';
import { type ListQuery, queryKey, useListQuery } from './tasks/list-query.js';
import { useLivePage } from './tasks/live-page.js';
import { TaskFilters } from './tasks/task-filters.js';
import { TaskSearch } from './tasks/task-search.js';
import { TaskTable } from './tasks/task-table.js';

/**
 * The tasks, newest first, live: filters in the URL's fragment, paging by the API's cursors (a
 * stack of them, for Previous), and a search by id.
 */
export function TaskList() {
  const [query, setQuery] = useListQuery();
  const key = queryKey(query);
  // The cursors of the pages before this one; a change of the filters starts again at the first.
  const [trail, setTrail] = useState<{ key: string; cursors: string[] }>({ key, cursors: [] });
  const cursors = trail.key === key ? trail.cursors : [];
  const cursor = cursors.at(-1);
  const page = useLivePage(query, cursor);
  const goTo = (next: string[]): void => setTrail({ key, cursors: next });
  const change = (next: ListQuery): void => setQuery(next);

  return (
    <section>
      <h1>Tasks</h1>
      <TaskSearch />
      <TaskFilters query={query} onChange={change} />
      {page.error && <ErrorNote>{page.error}</ErrorNote>}
      {cursor !== undefined && page.newCount > 0 && (
        <p class="new-tasks" role="status">
          {page.newCount === 1 ? '1 new task' : `${page.newCount} new tasks`} —{' '}
          <button type="button" class="link" onClick={() => goTo([])}>
            show
          </button>
        </p>
      )}
      <TaskTable tasks={page.tasks} />
      {!page.loading && !page.error && page.tasks.length === 0 && (
        <p class="hint">No tasks{key === '#/tasks' ? ' yet' : ' match these filters'}.</p>
      )}
      <nav class="pager" aria-label="Pages">
        <button
          type="button"
          class="secondary"
          disabled={cursors.length === 0}
          onClick={() => goTo(cursors.slice(0, -1))}
        >
          Previous
        </button>
        <span>Page {cursors.length + 1}</span>
        <button
          type="button"
          class="secondary"
          disabled={!page.nextCursor}
          onClick={() => page.nextCursor && goTo([...cursors, page.nextCursor])}
        >
          Next
        </button>
      </nav>
    </section>
  );
}
