/**
 * A table's head from its column names: those in `numeric` align right like their numbers, and
 * an empty name is a column of buttons, named "Actions" for screen readers only.
 */
export function TableHead({ columns, numeric = [] }: { columns: string[]; numeric?: string[] }) {
  return (
    <thead>
      <tr>
        {columns.map((name) => (
          <th scope="col" key={name} class={numeric.includes(name) ? 'num' : undefined}>
            {name || <span class="visually-hidden">Actions</span>}
          </th>
        ))}
      </tr>
    </thead>
  );
}
