import { useState } from 'preact/hooks';
import type { FailureFilter } from '../../../../client/index.js';

const FIELDS: [name: keyof FailureFilter, label: string][] = [
  ['type', 'Type'],
  ['queue', 'Queue'],
  ['tenant', 'Tenant'],
];

/** The failures' filter: applied on submit, empty fields left out. */
export function FailureFilterForm({
  filter,
  onApply,
}: {
  filter: FailureFilter;
  onApply: (filter: FailureFilter) => void;
}) {
  const [draft, setDraft] = useState<FailureFilter>(filter);
  const apply = (event: Event): void => {
    event.preventDefault();
    const applied: FailureFilter = {};
    for (const [name] of FIELDS) {
      const value = draft[name]?.trim();
      if (value) applied[name] = value;
    }
    onApply(applied);
  };
  return (
    <form class="toolbar" aria-label="Filter failures" onSubmit={apply}>
      {FIELDS.map(([name, label]) => (
        <label key={name}>
          {label}
          <input
            value={draft[name] ?? ''}
            onInput={(e) => setDraft({ ...draft, [name]: e.currentTarget.value })}
          />
        </label>
      ))}
      <button type="submit" class="secondary">
        Filter
      </button>
    </form>
  );
}
