import { PeakRssSampler, rssOf } from './peak-rss.js';
import type { HttpClient } from './tasks-http.js';

/** The largest page GET /tasks/:id/events gives. */
const PAGE = 1000;

export interface StreamResult {
  events: number;
  seconds: number;
  /** The service's resident set size before the first request, and its peak while streaming. */
  rssBefore: number;
  rssPeak: number;
}

/**
 * Reads all of a task's events, page after page (`after` = the last seq read), as a client
 * following the log does, while sampling the service's resident set size.
 */
export async function streamEvents(
  client: HttpClient,
  servicePid: number,
  taskId: string,
): Promise<StreamResult> {
  const rssBefore = rssOf(servicePid);
  const rss = new PeakRssSampler(servicePid);
  const started = performance.now();
  let after = 0;
  let events = 0;
  for (;;) {
    const path = `/api/v1/tasks/${taskId}/events?after=${after}&limit=${PAGE}`;
    const { body } = await client.json('GET', path, [200]);
    const page = body as { seq: number }[];
    events += page.length;
    if (page.length < PAGE) break;
    after = page[page.length - 1].seq;
  }
  const seconds = (performance.now() - started) / 1000;
  return { events, seconds, rssBefore, rssPeak: rss.stop() };
}
