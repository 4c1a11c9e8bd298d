import { useCallback, useEffect, useRef, useState } from 'preact/hooks';
import { errorText } from '../../components.js';
import { useLiveEvents } from '../../context.js';

export interface Refreshing<T> {
  data: T | undefined;
  error: string | undefined;
  /** Loads again now (after an action on the page). */
  reload: () => void;
}

/**
 * Loads with `load`, again every `everyMs`, and after live events when `onEvents` is set: at
 * most once per `throttleMs`, since a busy tenant sends hundreds of events a second and one
 * admin read each would hurt more than it shows. A failed load keeps the last data on screen.
 */
export function useRefreshing<T>(
  load: () => Promise<T>,
  deps: unknown[],
  { everyMs = 10_000, onEvents = false, throttleMs = 2_000 } = {},
): Refreshing<T> {
  const [data, setData] = useState<T>();
  const [error, setError] = useState<string>();
  const generation = useRef(0);

  // eslint-disable-next-line react-hooks/exhaustive-deps
  const reload = useCallback(() => {
    const mine = ++generation.current;
    load().then(
      (loaded) => {
        if (mine !== generation.current) return;
        setData(loaded);
        setError(undefined);
      },
      (e) => mine === generation.current && setError(errorText(e)),
    );
  }, deps);

  useEffect(() => {
    reload();
    const timer = setInterval(reload, everyMs);
    return () => {
      clearInterval(timer);
      generation.current += 1;
    };
  }, [reload, everyMs]);

  const pending = useRef<ReturnType<typeof setTimeout>>(undefined);
  useEffect(() => () => clearTimeout(pending.current), []);
  useLiveEvents(() => {
    if (!onEvents || pending.current !== undefined) return;
    pending.current = setTimeout(() => {
      pending.current = undefined;
      reload();
    }, throttleMs);
  }, [reload, onEvents, throttleMs]);

  return { data, error, reload };
}
