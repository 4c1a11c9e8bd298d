import type { StuckJob } from '../../../../client/index.js';
import { ErrorNote } from '../../components.js';
import { useSession } from '../../context.js';
import { formatDuration, formatTime } from '../../format.js';
import { href } from '../../router.js';
import { useRefreshing } from './use-refreshing.js';
import { TableHead } from './table-head.js';

/** Each flag by a symbol and words, never by colour alone. */
const FLAGS: Record<StuckJob['reason'], [symbol: string, text: string, explain: string]> = {
  over_time_limit: ['⏱', 'over time limit', 'running longer than its time limit'],
  lease_lapsing: ['⚠', 'lease lapsing', 'its worker has not renewed its lease in time'],
};

/** Running work that looks stuck: past its time limit, or with a lease about to lapse. */
export function StuckView() {
  const { client } = useSession();
  const stuck = useRefreshing(() => client.stuckJobs(), [client]);

  return (
    <section>
      <h1>Stuck work</h1>
      <p class="hint">
        Running jobs past their time limit, or whose lease is lapsing (their worker missed a
        renewal). Checked every 10 seconds.
      </p>
      {stuck.error && <ErrorNote>{stuck.error}</ErrorNote>}
      {stuck.data?.length === 0 && (
        <p>
          <span aria-hidden="true">✓</span> Nothing is stuck.
        </p>
      )}
      {!!stuck.data?.length && (
        <table class="cards stuck">
          <TableHead
            columns={[
              'Flag',
              'Task',
              'Job',
              'Type',
              'Queue',
              'Worker',
              'Started',
              'Running for',
              'Time limit',
              'Lease expires',
            ]}
          />
          <tbody>
            {stuck.data.map((job) => (
              <StuckRow key={`${job.jobId}-${job.reason}`} job={job} />
            ))}
          </tbody>
        </table>
      )}
    </section>
  );
}

function StuckRow({ job }: { job: StuckJob }) {
  const [symbol, text, explain] = FLAGS[job.reason];
  return (
    <tr>
      <td data-label="Flag">
        <span class={`flag flag-${job.reason}`} title={explain}>
          <span aria-hidden="true">{symbol}</span> {text}
        </span>
      </td>
      <td data-label="Task">
        {job.taskId ? (
          <a href={href('tasks', job.taskId)}>
            <code>{job.taskId.slice(0, 8)}</code>
            <span class="visually-hidden"> (task {job.taskId})</span>
          </a>
        ) : (
          '–'
        )}
      </td>
      <td data-label="Job">{job.jobId}</td>
      <td data-label="Type">{job.type}</td>
      <td data-label="Queue">{job.queue}</td>
      <td data-label="Worker" class="wrap">
        {job.worker ?? '–'}
      </td>
      <td data-label="Started">{formatTime(job.startedAt)}</td>
      <td data-label="Running for">{formatDuration(Date.now() - Date.parse(job.startedAt))}</td>
      <td data-label="Time limit">{formatDuration(job.timeLimitMs)}</td>
      <td data-label="Lease expires">{formatTime(job.leaseExpiresAt)}</td>
    </tr>
  );
}
