import request from 'supertest';

export type Labels = Record<string, string>;

/** The samples of `name` in a Prometheus text exposition, with their labels. */
export function samples(metrics: string, name: string): { labels: Labels; value: number }[] {
  const found: { labels: Labels; value: number }[] = [];
  for (const line of metrics.split('\n')) {
    const match = /^([a-z_:]+)(?:\{(.*)\})? (\S+)$/.exec(line);
    if (match?.[1] !== name) continue;
    const labels = Object.fromEntries(
      [...(match[2] ?? '').matchAll(/(\w+)="([^"]*)"/g)].map((m) => [m[1], m[2]]),
    );
    found.push({ labels, value: Number(match[3]) });
  }
  return found;
}

/** The value of the one sample of `name` whose labels include `labels`; 0 when there is none. */
export function valueOf(metrics: string, name: string, labels: Labels = {}): number {
  const matching = samples(metrics, name).filter((s) =>
    Object.entries(labels).every(([k, v]) => s.labels[k] === v),
  );
  if (matching.length > 1) throw new Error(`${matching.length} samples of ${name} match`);
  return matching[0]?.value ?? 0;
}

/** The metric families a scrape declares (`# TYPE name type`), by name. */
export function families(metrics: string): Map<string, string> {
  return new Map(
    [...metrics.matchAll(/^# TYPE (\S+) (\S+)$/gm)].map((m) => [m[1] ?? '', m[2] ?? '']),
  );
}

export async function scrape(baseUrl: string): Promise<string> {
  return (await request(baseUrl).get('/metrics').expect(200)).text;
}
