import { formatCount, formatMeasure, formatRatio } from './format.js';
import type { DrainResult } from './scale-drain.js';
import type { StreamResult } from './scale-events.js';
import type { ListingResult } from './scale-listing.js';
import { renderTable } from './table.js';

/** The listing goal: each p99 under this, in ms. */
export const LISTING_GOAL_MS = 20;
/** The drain goal: the backlog's rate at least this share of the small database's. */
export const DRAIN_GOAL = 0.8;

const MB = 1024 * 1024;

export interface ListingRun {
  caller: string;
  small: ListingResult[];
  large: ListingResult[];
}

const ms = (result: ListingResult | undefined): string[] =>
  result ? [result.ms.p50, result.ms.p95, result.ms.p99].map(formatMeasure) : ['-', '-', '-'];

/** One row per listing and caller: the small database's percentiles beside the large one's. */
export function listingTable(runs: ListingRun[], smallRows: string, largeRows: string): string {
  const rows = runs.flatMap(({ caller, small, large }) =>
    large.map((result, i) => [
      // The small database's deep page is as deep as its rows go.
      `${caller}: ${result.label}${small[i] && small[i].label !== result.label ? ` (small: ${small[i].label.split(' ')[0]})` : ''}`,
      ...ms(small[i]),
      ...ms(result),
      formatCount(result.items),
      result.ms.p99 < LISTING_GOAL_MS ? 'yes' : 'NO',
    ]),
  );
  return renderTable(
    [
      'GET /api/v1/tasks (ms)',
      `${smallRows} p50`,
      'p95',
      'p99',
      `${largeRows} p50`,
      'p95',
      'p99',
      'items',
      `p99 < ${LISTING_GOAL_MS}`,
    ],
    rows,
  );
}

const drainRow = (label: string, result: DrainResult): string[] => [
  label,
  formatCount(result.succeeded),
  formatMeasure(result.wallSeconds),
  formatCount(result.perSecond),
];

export function drainTable(
  reference: { jobs: number; result: DrainResult },
  backlog: { jobs: number; slice: number; result: DrainResult },
): string[] {
  const ratio = backlog.result.perSecond / reference.result.perSecond;
  return [
    renderTable(
      ['drain', 'succeeded', 'wall s', 'jobs/s (committed rows)'],
      [
        drainRow(`${formatCount(reference.jobs)} jobs on the small database`, reference.result),
        drainRow(
          `first ${formatCount(backlog.slice)} of a ${formatCount(backlog.jobs)}-job backlog`,
          backlog.result,
        ),
      ],
    ),
    `backlog / small: ${formatRatio(ratio)} (goal >= ${formatRatio(DRAIN_GOAL)}: ${ratio >= DRAIN_GOAL ? 'yes' : 'NO'})`,
  ];
}

export function eventsTable(runs: { label: string; result: StreamResult }[]): string {
  return renderTable(
    [
      'GET /api/v1/tasks/:id/events',
      'events',
      's',
      'events/s',
      'RSS before MB',
      'peak MB',
      'growth MB',
    ],
    runs.map(({ label, result }) => [
      label,
      formatCount(result.events),
      formatMeasure(result.seconds),
      formatCount(result.events / result.seconds),
      formatMeasure(result.rssBefore / MB),
      formatMeasure(result.rssPeak / MB),
      formatMeasure((result.rssPeak - result.rssBefore) / MB),
    ]),
  );
}
