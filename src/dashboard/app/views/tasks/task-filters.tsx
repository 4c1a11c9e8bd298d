import { useEffect, useState } from 'preact/hooks';
import type { TaskStatus } from '../../../../client/index.js';
import { useSession } from '../../context.js';
import { type ListQuery, PAGE_SIZES, STATUSES } from './list-query.js';

/** Status, type and page size; each change goes into the URL's fragment at once. */
export function TaskFilters({
  query,
  onChange,
}: {
  query: ListQuery;
  onChange: (query: ListQuery) => void;
}) {
  const types = useTaskTypeNames();
  const shownTypes = query.type && !types.includes(query.type) ? [query.type, ...types] : types;
  const status = query.statuses.join(',');
  const statusChoices: [string, string][] = STATUSES.map((s) => [s, s]);
  // A list of several statuses (from a shared link) shows as one choice of its own.
  if (query.statuses.length > 1) statusChoices.unshift([status, query.statuses.join(', ')]);
  return (
    <form class="toolbar" aria-label="Filters" onSubmit={(e) => e.preventDefault()}>
      <Choice
        id="filter-status"
        label="Status"
        value={status}
        choices={[['', 'any status'], ...statusChoices]}
        onChange={(value) =>
          onChange({ ...query, statuses: value ? (value.split(',') as TaskStatus[]) : [] })
        }
      />
      <Choice
        id="filter-type"
        label="Type"
        value={query.type ?? ''}
        choices={[['', 'any type'], ...shownTypes.map((type): [string, string] => [type, type])]}
        onChange={(value) => onChange({ ...query, type: value || undefined })}
      />
      <Choice
        id="filter-limit"
        label="Per page"
        value={String(query.limit)}
        choices={PAGE_SIZES.map((size): [string, string] => [String(size), String(size)])}
        onChange={(value) => onChange({ ...query, limit: Number(value) })}
      />
    </form>
  );
}

/** A labelled select of [value, text] choices. */
function Choice(props: {
  id: string;
  label: string;
  value: string;
  choices: [value: string, text: string][];
  onChange: (value: string) => void;
}) {
  return (
    <span class="field">
      <label for={props.id}>{props.label}</label>
      <select
        id={props.id}
        value={props.value}
        onChange={(e) => props.onChange(e.currentTarget.value)}
      >
        {props.choices.map(([value, text]) => (
          <option key={value} value={value}>
            {text}
          </option>
        ))}
      </select>
    </span>
  );
}

/** The names of the task types the service runs (none while loading or when the call fails). */
function useTaskTypeNames(): string[] {
  const { client } = useSession();
  const [names, setNames] = useState<string[]>([]);
  useEffect(() => {
    client.taskTypes().then(
      (types) => setNames(types.map((t) => t.type)),
      () => setNames([]),
    );
  }, [client]);
  return names;
}
