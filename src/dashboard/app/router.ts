import { useEffect, useState } from 'preact/hooks';

/**
 * Routes live in the URL's fragment (`#/tasks/<id>`): the server serves one page, links can be
 * shared and bookmarked, and the back button works. Returns the path's segments, decoded.
 */
export function useRoute(): string[] {
  const [hash, setHash] = useState(location.hash);
  useEffect(() => {
    const changed = (): void => setHash(location.hash);
    addEventListener('hashchange', changed);
    return () => removeEventListener('hashchange', changed);
  }, []);
  return segmentsOf(hash);
}

export function segmentsOf(hash: string): string[] {
  const path = hash.replace(/^#\/?/, '').split('?')[0];
  return path.split('/').filter(Boolean).map(decodeURIComponent);
}

/** The href of a route: `href('tasks', id)` is `#/tasks/<id>`. */
export function href(...segments: string[]): string {
  return `#/${segments.map(encodeURIComponent).join('/')}`;
}

export function navigate(...segments: string[]): void {
  location.hash = href(...segments);
}
