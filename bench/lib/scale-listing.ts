import { type Percentiles, percentiles } from './remote-measure.js';
import { FILL_TYPES, UNUSED_TYPE } from './scale-fill.js';
import type { HttpClient } from './tasks-http.js';

const LIST = '/api/v1/tasks';
/** Requests before the samples, so that each listing starts with its plan cached and pages read. */
const WARMUP = 20;
/** The page size used to walk down to the deep page (the largest the API allows). */
const WALK_LIMIT = 100;

export interface Listing {
  label: string;
  query: string;
}

export interface ListingResult {
  label: string;
  samples: number;
  /** Items on the page (the same on each request). */
  items: number;
  ms: Percentiles;
}

interface Page {
  items: unknown[];
  nextCursor: string | null;
}

async function page(client: HttpClient, query: string): Promise<Page> {
  const { body } = await client.json('GET', `${LIST}${query}`, [200]);
  return body as Page;
}

/** The cursor of the page `depth` rows down (or as deep as the listing goes), and that depth. */
async function deepCursor(
  client: HttpClient,
  depth: number,
): Promise<{ cursor: string; depth: number }> {
  let cursor = '';
  let skipped = 0;
  while (skipped < depth) {
    const limit = Math.min(WALK_LIMIT, depth - skipped);
    const after = cursor ? `&cursor=${encodeURIComponent(cursor)}` : '';
    const next = await page(client, `?limit=${limit}${after}`);
    if (!next.nextCursor) break;
    skipped += next.items.length;
    cursor = next.nextCursor;
  }
  return { cursor, depth: skipped };
}

/** The listings measured: first page, a deep page reached by cursor, and the filters. */
export async function listings(client: HttpClient, depth: number): Promise<Listing[]> {
  const deep = await deepCursor(client, depth);
  return [
    { label: 'first page', query: '' },
    {
      label: `${deep.depth.toLocaleString('en-US')} rows deep`,
      query: `?cursor=${encodeURIComponent(deep.cursor)}`,
    },
    { label: 'status=succeeded', query: '?status=succeeded' },
    { label: 'status=running (no rows)', query: '?status=running' },
    { label: `type=${UNUSED_TYPE} (no rows)`, query: `?type=${UNUSED_TYPE}` },
    { label: `type=${FILL_TYPES[0]}`, query: `?type=${FILL_TYPES[0]}` },
  ];
}

/** Sends the listing's request `samples` times, one at a time, after a warm-up. */
export async function measureListing(
  client: HttpClient,
  listing: Listing,
  samples: number,
): Promise<ListingResult> {
  for (let i = 0; i < WARMUP; i++) await page(client, listing.query);
  const times: number[] = [];
  let items = 0;
  for (let i = 0; i < samples; i++) {
    const started = performance.now();
    const { items: found } = await page(client, listing.query);
    times.push(performance.now() - started);
    items = found.length;
  }
  return { label: listing.label, samples, items, ms: percentiles(times) };
}
