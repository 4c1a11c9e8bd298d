/** What commands print: aligned tables and fields for people, JSON for scripts. */

export function print(text: string): void {
  process.stdout.write(`${text}\n`);
}

export function printJson(value: unknown): void {
  print(JSON.stringify(value, null, 2));
}

/** Rows under a header, each column as wide as its widest cell. */
export function table(header: string[], rows: string[][]): string {
  const all = [header, ...rows];
  const widths = header.map((_, i) => Math.max(...all.map((row) => (row[i] ?? '').length)));
  return all
    .map((row) =>
      row
        .map((cell, i) => cell.padEnd(widths[i] ?? 0))
        .join('  ')
        .trimEnd(),
    )
    .join('\n');
}

/** `name  value` lines, the values lined up. */
export function fields(pairs: [string, string][], indent = ''): string {
  const width = Math.max(0, ...pairs.map(([name]) => name.length));
  return pairs.map(([name, value]) => `${indent}${name.padEnd(width)}  ${value}`).join('\n');
}

/** A time as UTC to the second; "-" for none. */
export function utc(at: string | Date | null | undefined): string {
  if (!at) return '-';
  return `${new Date(at).toISOString().slice(0, 19)}Z`;
}

export function bytes(count: number): string {
  if (count < 1000) return `${count} B`;
  const units = ['kB', 'MB', 'GB', 'TB'];
  let value = count / 1000;
  let unit = 0;
  while (value >= 1000 && unit < units.length - 1) {
    value /= 1000;
    unit += 1;
  }
  return `${value.toFixed(value < 10 ? 2 : 1)} ${units[unit]}`;
}

const MAX_VALUE_CHARS = 100;

/**
 * A value on one line: text as it is, a list of named things as their names, anything else as
 * JSON; cut short (`--json` shows it all).
 */
export function oneLine(value: unknown): string {
  const text =
    typeof value === 'string' ? value : (names(value)?.join(', ') ?? JSON.stringify(value) ?? '-');
  return text.length > MAX_VALUE_CHARS ? `${text.slice(0, MAX_VALUE_CHARS - 1)}…` : text;
}

function names(value: unknown): string[] | undefined {
  if (!Array.isArray(value) || value.length === 0) return undefined;
  const named = value.map((item: unknown) =>
    typeof item === 'object' && item !== null ? (item as { name?: unknown }).name : undefined,
  );
  return named.every((name) => typeof name === 'string') ? named : undefined;
}
