import { useState } from 'preact/hooks';
import type { Activity, QueueInfo } from '../../../../client/index.js';
import { ErrorNote, errorText } from '../../components.js';
import { useSession } from '../../context.js';
import { formatDuration } from '../../format.js';
import { QueueCharts } from './queue-charts.js';
import { useRefreshing } from './use-refreshing.js';
import { TableHead } from './table-head.js';

const STATES = ['queued', 'running', 'succeeded', 'failed', 'cancelled'] as const;
const capital = (word: string): string => word[0].toUpperCase() + word.slice(1);
const COLUMNS = ['Queue', 'State', ...STATES.map(capital), 'Oldest waiting', 'Last hour', ''];

/** Each queue: its jobs by state, the last hour as small charts, and pause / resume. */
export function QueuesView() {
  const { client } = useSession();
  const queues = useRefreshing(() => client.listQueues(), [client], { onEvents: true });
  const activity = useRefreshing(() => client.activity({ minutes: 60 }), [client], {
    onEvents: true,
    throttleMs: 5_000,
  });
  const [busy, setBusy] = useState<string>();
  const [actionError, setActionError] = useState<string>();

  const toggle = async (queue: QueueInfo): Promise<void> => {
    setBusy(queue.name);
    setActionError(undefined);
    try {
      await (queue.paused ? client.resumeQueue(queue.name) : client.pauseQueue(queue.name));
      // A newer load: one begun before the change is dropped when it answers.
      queues.reload();
    } catch (e) {
      setActionError(`${queue.paused ? 'Resume' : 'Pause'} ${queue.name}: ${errorText(e)}`);
    } finally {
      setBusy(undefined);
    }
  };

  const list = queues.data ?? [];

  return (
    <section>
      <h1>Queues</h1>
      {queues.error && <ErrorNote>{queues.error}</ErrorNote>}
      {actionError && <ErrorNote>{actionError}</ErrorNote>}
      {activity.error && <ErrorNote>Activity: {activity.error}</ErrorNote>}
      {queues.data && list.length === 0 && <p>No queue has had a job yet.</p>}
      {list.length > 0 && (
        <table class="cards queues">
          <TableHead columns={COLUMNS} numeric={STATES.map(capital)} />
          <tbody>
            {list.map((q) => (
              <QueueRow
                key={q.name}
                queue={q}
                activity={activity.data}
                busy={busy === q.name}
                onToggle={() => void toggle(q)}
              />
            ))}
          </tbody>
        </table>
      )}
    </section>
  );
}

function QueueRow(props: {
  queue: QueueInfo;
  activity: Activity | undefined;
  busy: boolean;
  onToggle: () => void;
}) {
  const { queue } = props;
  return (
    <tr>
      <th scope="row" data-label="Queue">
        {queue.name}
      </th>
      <td data-label="State">
        <span class={queue.paused ? 'state-paused' : 'state-active'}>
          <span aria-hidden="true">{queue.paused ? '❚❚' : '▶'}</span>{' '}
          {queue.paused ? 'paused' : 'active'}
        </span>
      </td>
      {STATES.map((s) => (
        <td data-label={capital(s)} class="num" key={s}>
          {queue.counts[s].toLocaleString()}
        </td>
      ))}
      <td data-label="Oldest waiting">
        {queue.oldestQueuedAgeSeconds === null
          ? 'none waiting'
          : formatDuration(queue.oldestQueuedAgeSeconds * 1000)}
      </td>
      <td data-label="Last hour">
        <QueueCharts queue={queue.name} activity={props.activity} />
      </td>
      <td>
        <button
          type="button"
          class={queue.paused ? undefined : 'secondary'}
          disabled={props.busy}
          aria-label={`${queue.paused ? 'Resume' : 'Pause'} queue ${queue.name}`}
          onClick={props.onToggle}
        >
          {queue.paused ? 'Resume' : 'Pause'}
        </button>
      </td>
    </tr>
  );
}
