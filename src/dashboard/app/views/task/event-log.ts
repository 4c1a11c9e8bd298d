import type { TaskEvent } from '../../../../client/index.js';

/**
 * A task's event log as the page knows it: the REST read and the live feed both feed it, so an
 * event may come twice (kept once, by seq) and in any order (kept in seq order). A progress event
 * with `replaces` stands for the progress events from that seq on, which a slow connection never
 * got (docs/architecture.md): the ones it stands for are dropped if they were read meanwhile.
 */
export function mergeEvents(known: TaskEvent[], incoming: TaskEvent[]): TaskEvent[] {
  const bySeq = new Map(known.map((event) => [event.seq, event]));
  for (const event of incoming) {
    if (event.replaces !== undefined) {
      for (let seq = event.replaces; seq < event.seq; seq++) {
        if (bySeq.get(seq)?.kind === 'progress') bySeq.delete(seq);
      }
    }
    bySeq.set(event.seq, event);
  }
  return [...bySeq.values()].sort((a, b) => a.seq - b.seq);
}

/** The seq up to which the log is known with no gap (0: none of it). */
export function gaplessUpTo(events: TaskEvent[]): number {
  let last = 0;
  for (const event of events) {
    if ((event.replaces ?? event.seq) > last + 1) break;
    last = Math.max(last, event.seq);
  }
  return last;
}
