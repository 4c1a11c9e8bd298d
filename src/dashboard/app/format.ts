import type { TaskStatus } from '../../client/index.js';

/** Times in the viewer's own zone and language. */
const dateTime = new Intl.DateTimeFormat(undefined, { dateStyle: 'medium', timeStyle: 'medium' });
const timeOnly = new Intl.DateTimeFormat(undefined, { timeStyle: 'medium' });

export function formatTime(iso: string | null | undefined): string {
  if (!iso) return '–';
  const at = new Date(iso);
  return sameDay(at, new Date()) ? timeOnly.format(at) : dateTime.format(at);
}

export function formatFullTime(iso: string | null | undefined): string {
  return iso ? dateTime.format(new Date(iso)) : '–';
}

function sameDay(a: Date, b: Date): boolean {
  return a.toDateString() === b.toDateString();
}

export function formatDuration(ms: number | null | undefined): string {
  if (ms === null || ms === undefined || !Number.isFinite(ms)) return '–';
  if (ms < 1000) return `${Math.round(ms)} ms`;
  const s = ms / 1000;
  if (s < 60) return `${s.toFixed(s < 10 ? 1 : 0)} s`;
  const m = Math.floor(s / 60);
  if (m < 60) return `${m} min ${Math.round(s % 60)} s`;
  return `${Math.floor(m / 60)} h ${m % 60} min`;
}

/** From start to finish, or to now while it runs. */
export function taskDuration(task: {
  startedAt: string | null;
  finishedAt: string | null;
}): number | null {
  if (!task.startedAt) return null;
  const end = task.finishedAt ? Date.parse(task.finishedAt) : Date.now();
  return end - Date.parse(task.startedAt);
}

export function formatBytes(bytes: number): string {
  if (bytes < 1024) return `${bytes} B`;
  const units = ['KB', 'MB', 'GB', 'TB'];
  let value = bytes / 1024;
  let unit = 0;
  while (value >= 1024 && unit < units.length - 1) {
    value /= 1024;
    unit += 1;
  }
  return `${value.toFixed(value < 10 ? 1 : 0)} ${units[unit]}`;
}

/** A status is shown by a symbol and its word, never by colour alone. */
export const STATUS_SYMBOLS: Record<TaskStatus, string> = {
  queued: '◷',
  running: '▶',
  succeeded: '✓',
  failed: '✕',
  cancelled: '⊘',
};
