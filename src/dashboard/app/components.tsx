import type { ComponentChildren } from 'preact';
import type { TaskStatus } from '../../client/index.js';
import { STATUS_SYMBOLS } from './format.js';

export function StatusBadge({ status }: { status: TaskStatus }) {
  return (
    <span class={`status status-${status}`}>
      <span aria-hidden="true">{STATUS_SYMBOLS[status]}</span> {status}
    </span>
  );
}

/** A bar with its number beside it; no percent known shows an indeterminate bar. */
export function ProgressBar({ percent, label }: { percent: number | undefined; label: string }) {
  const known = percent !== undefined && Number.isFinite(percent);
  const value = known ? Math.max(0, Math.min(100, percent)) : undefined;
  return (
    <span class="progress">
      <progress max={100} value={value} aria-label={label} />
      <span class="progress-text">{known ? `${Math.round(value as number)} %` : ''}</span>
    </span>
  );
}

/** An error message that screen readers announce. */
export function ErrorNote({ children }: { children: ComponentChildren }) {
  return (
    <p class="error-note" role="alert">
      {children}
    </p>
  );
}

export function errorText(error: unknown): string {
  if (error instanceof Error) {
    const problem = (error as { problem?: { detail?: string; title?: string } }).problem;
    return problem?.detail ?? problem?.title ?? error.message;
  }
  return String(error);
}
