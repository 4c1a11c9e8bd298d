import { useEffect, useState } from 'preact/hooks';
import type { TaskStatus } from '../../../../client/index.js';
import { STATUS_SYMBOLS } from '../../format.js';

export const STATUSES = Object.keys(STATUS_SYMBOLS) as TaskStatus[];
export const PAGE_SIZES = [10, 20, 50, 100];
const DEFAULT_LIMIT = 20;

/** The list's filters and page size, kept in the fragment: `#/tasks?status=failed&type=echo`. */
export interface ListQuery {
  statuses: TaskStatus[];
  type?: string;
  limit: number;
}

export function parseListQuery(hash: string): ListQuery {
  const params = new URLSearchParams(hash.split('?')[1] ?? '');
  const statuses = (params.get('status') ?? '')
    .split(',')
    .filter((s): s is TaskStatus => (STATUSES as string[]).includes(s));
  const limit = Number(params.get('limit'));
  return {
    statuses,
    type: params.get('type') || undefined,
    limit: PAGE_SIZES.includes(limit) ? limit : DEFAULT_LIMIT,
  };
}

export function listQueryHref(query: ListQuery): string {
  const params = new URLSearchParams();
  if (query.statuses.length > 0) params.set('status', query.statuses.join(','));
  if (query.type) params.set('type', query.type);
  if (query.limit !== DEFAULT_LIMIT) params.set('limit', String(query.limit));
  const search = params.toString();
  return search ? `#/tasks?${search}` : '#/tasks';
}

/** The query of the current fragment, following its changes (back, forward, a pasted link). */
export function useListQuery(): [ListQuery, (query: ListQuery) => void] {
  const [hash, setHash] = useState(location.hash);
  useEffect(() => {
    const changed = (): void => setHash(location.hash);
    addEventListener('hashchange', changed);
    return () => removeEventListener('hashchange', changed);
  }, []);
  const set = (query: ListQuery): void => {
    location.hash = listQueryHref(query);
  };
  return [parseListQuery(hash), set];
}

/** A key that changes whenever the filters or the page size do. */
export function queryKey(query: ListQuery): string {
  return listQueryHref(query);
}
