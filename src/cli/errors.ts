import { TaskyardConnectionError, TaskyardError } from '../client/index.js';

/** Exit statuses: 0 done; 1 failed (a problem, a failed or cancelled task); 2 usage; 130 Ctrl-C. */
export const EXIT = { ok: 0, failed: 1, usage: 2, interrupted: 130 } as const;

/** A failure the CLI describes itself, in one line, with the status to exit with. */
export class CliError extends Error {
  constructor(
    message: string,
    readonly exitCode: number = EXIT.failed,
  ) {
    super(message);
    this.name = 'CliError';
  }
}

/**
 * The one line a failure gets on stderr: a problem's title and detail (and its field errors), the
 * unreachable URL, or the error's own first line.
 */
export function describeError(error: unknown): string {
  if (error instanceof TaskyardError) {
    const fields = (error.errors ?? []).map((e) => `${e.field}: ${e.messages.join(', ')}`);
    const detail = [error.detail, ...fields].filter((part) => part && part !== error.title);
    return detail.length > 0 ? `${error.title}: ${detail.join('; ')}` : error.title;
  }
  if (error instanceof TaskyardConnectionError || error instanceof CliError) return error.message;
  const message = error instanceof Error ? error.message : String(error);
  return message.split('\n')[0] ?? message;
}

export function exitCodeOf(error: unknown): number {
  return error instanceof CliError ? error.exitCode : EXIT.failed;
}
