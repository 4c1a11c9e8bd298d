import type { Outcome } from './tasks-report.js';

/** Output helpers shared by the benchmarks: figures on stdout, progress on stderr. */
export function print(lines: string[] = []): void {
  for (const line of lines) console.log(line);
}

export function section(title: string, lines: string[]): void {
  if (lines.length === 0) return;
  print(['', `${title}:`, ...lines.map((line) => `  ${line}`)]);
}

/** A progress logger stamped with the benchmark's name and the time of day. */
export function progressLog(name: string): (line: string) => void {
  return (line) => console.error(`[${name} ${new Date().toISOString().slice(11, 19)}] ${line}`);
}

export function messageOf(error: unknown): string {
  return error instanceof Error ? error.message.split('\n')[0] : String(error);
}

/** Runs one measurement; a failure is logged and kept as its outcome instead of ending the run. */
export async function attempt<T>(
  progress: (line: string) => void,
  what: string,
  measure: () => Promise<T>,
): Promise<Outcome<T>> {
  try {
    return { ok: true, value: await measure() };
  } catch (error) {
    progress(
      `${what} failed: ${error instanceof Error ? (error.stack ?? error.message) : String(error)}`,
    );
    return { ok: false, error: messageOf(error) };
  }
}
