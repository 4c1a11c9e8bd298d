import { useState } from 'preact/hooks';
import type { WorkerProcess, WorkerStatus } from '../../../../client/index.js';
import { ErrorNote } from '../../components.js';
import { useSession } from '../../context.js';
import { formatTime } from '../../format.js';
import { useRefreshing } from './use-refreshing.js';
import { TableHead } from './table-head.js';

const IN_FLIGHT = 'In flight / concurrency';

const FILTERS: [value: WorkerStatus | 'all', label: string][] = [
  ['alive', 'Alive'],
  ['gone', 'Gone'],
  ['all', 'All'],
];

/** The worker processes of the registry, as they last reported themselves. */
export function WorkersView() {
  const { client } = useSession();
  const [filter, setFilter] = useState<WorkerStatus | 'all'>('alive');
  const workers = useRefreshing(
    () => client.listWorkers(filter === 'all' ? {} : { status: filter }),
    [client, filter],
  );

  return (
    <section>
      <h1>Workers</h1>
      <div class="toolbar">
        <label>
          Status
          <select
            value={filter}
            onChange={(e) => setFilter(e.currentTarget.value as WorkerStatus | 'all')}
          >
            {FILTERS.map(([value, label]) => (
              <option key={value} value={value}>
                {label}
              </option>
            ))}
          </select>
        </label>
      </div>
      {workers.error && <ErrorNote>{workers.error}</ErrorNote>}
      {workers.data?.length === 0 && <p>No worker process {filter === 'all' ? '' : filter}.</p>}
      {!!workers.data?.length && (
        <table class="cards workers">
          <TableHead
            columns={[
              'Status',
              'Role',
              'Host · pid',
              'Version',
              'Started',
              IN_FLIGHT,
              'Types',
              'Queues',
              'Last seen',
            ]}
            numeric={[IN_FLIGHT]}
          />
          <tbody>
            {workers.data.map((w) => (
              <WorkerRow key={w.id} worker={w} />
            ))}
          </tbody>
        </table>
      )}
    </section>
  );
}

function WorkerRow({ worker: w }: { worker: WorkerProcess }) {
  return (
    <tr>
      <td data-label="Status">
        <span class={`worker-${w.status}`} title={w.id}>
          <span aria-hidden="true">{w.status === 'alive' ? '●' : '○'}</span> {w.status}
        </span>
      </td>
      <td data-label="Role">{w.role}</td>
      <td data-label="Host · pid">
        {w.kind === 'remote'
          ? `${w.host} (remote, tenant ${w.tenant ?? '–'})`
          : `${w.host} · ${w.pid}`}
      </td>
      <td data-label="Version">{w.version || '–'}</td>
      <td data-label="Started">{formatTime(w.startedAt)}</td>
      <td data-label={IN_FLIGHT} class="num">
        {w.inFlight} / {w.concurrency}
      </td>
      <td data-label="Types" class="wrap">
        {w.types.join(', ')}
      </td>
      <td data-label="Queues">{w.queues.length ? w.queues.join(', ') : 'all'}</td>
      <td data-label="Last seen">
        {formatTime(w.lastSeenAt)}
        {w.goneAt && <span class="hint"> (gone {formatTime(w.goneAt)})</span>}
      </td>
    </tr>
  );
}
