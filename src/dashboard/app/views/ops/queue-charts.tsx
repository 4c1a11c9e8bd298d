import type { Activity } from '../../../../client/index.js';
import { Sparkline } from './sparkline.js';

/** Succeeded per minute and the share failed per minute, over the activity's window. */
export function QueueCharts({ queue, activity }: { queue: string; activity?: Activity }) {
  if (!activity) return <span class="hint">loading…</span>;
  const minutes = Math.round((Date.parse(activity.to) - Date.parse(activity.from)) / 60_000);
  const window = minutes >= 59 ? 'the last hour' : `the last ${minutes} minutes`;
  const buckets = activity.queues.find((q) => q.queue === queue)?.buckets ?? [];
  const succeeded = buckets.reduce((sum, b) => sum + b.succeeded, 0);
  const failed = buckets.reduce((sum, b) => sum + b.failed, 0);
  const finished = succeeded + failed;
  const rate = finished ? Math.round((failed / finished) * 100) : 0;
  return (
    <span class="queue-charts">
      <Sparkline
        values={buckets.map((b) => b.succeeded)}
        summary={`Throughput: ${succeeded} succeeded in ${window}, at most ${peak(buckets.map((b) => b.succeeded))} in a minute`}
        text={`${succeeded} succeeded`}
      />
      <Sparkline
        values={buckets.map((b) =>
          b.succeeded + b.failed ? b.failed / (b.succeeded + b.failed) : null,
        )}
        max={1}
        tone="bad"
        summary={
          finished
            ? `Failure rate: ${failed} of ${finished} finished failed in ${window} (${rate} %)`
            : `Failure rate: no job finished in ${window}`
        }
        text={finished ? `${rate} % failed` : 'none finished'}
      />
    </span>
  );
}

function peak(values: number[]): number {
  return Math.max(0, ...values);
}
