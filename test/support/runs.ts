/** A row of test_job_runs: one attempt of a test job, as its handler recorded it. */
export interface RunRow {
  job_id: string;
  label: string | null;
  attempt: number;
  pid: number;
  started_at: Date;
  ended_at: Date | null;
}

/** The most runs that were in progress at one moment. */
export function maxOverlap(runs: RunRow[]): number {
  const edges = runs.flatMap((r) => [
    { at: r.started_at.getTime(), delta: 1 },
    { at: (r.ended_at ?? r.started_at).getTime(), delta: -1 },
  ]);
  // An end and a start at the same instant do not overlap.
  edges.sort((x, y) => x.at - y.at || x.delta - y.delta);
  let current = 0;
  let most = 0;
  for (const edge of edges) {
    current += edge.delta;
    most = Math.max(most, current);
  }
  return most;
}
