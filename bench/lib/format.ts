export function formatCount(value: number): string {
  return Math.round(value).toLocaleString('en-US');
}

/** Two or three significant digits, enough for latencies and sizes. */
export function formatMeasure(value: number): string {
  if (value >= 100) return formatCount(value);
  return value.toFixed(value >= 10 ? 1 : 2);
}

export function formatRatio(value: number): string {
  return `${value.toFixed(2)}x`;
}

export function formatSettings(settings: object): string {
  return Object.entries(settings)
    .map(([key, value]) => `${key}=${String(value)}`)
    .join(' ');
}
