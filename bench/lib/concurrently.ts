/** Calls `task` `total` times, keeping at most `inFlight` calls outstanding. */
export async function runConcurrently(
  total: number,
  inFlight: number,
  task: () => Promise<unknown>,
): Promise<void> {
  let started = 0;
  const lane = async (): Promise<void> => {
    while (started < total) {
      started += 1;
      await task();
    }
  };
  const lanes = Math.max(1, Math.min(inFlight, total));
  await Promise.all(Array.from({ length: lanes }, () => lane()));
}

/** Calls `insert` with batch sizes that add up to `total`, one call at a time. */
export async function runInBatches(
  total: number,
  batch: number,
  insert: (count: number) => Promise<unknown>,
): Promise<void> {
  for (let done = 0; done < total; done += batch) {
    await insert(Math.min(batch, total - done));
  }
}
