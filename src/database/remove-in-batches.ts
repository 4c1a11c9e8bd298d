/**
 * Removes batch after batch of what `next` reads (at most `size` each) until a batch comes back
 * short or removes nothing, and answers how many went. An item that fails goes to `onError` and
 * stays; the next run may take it again.
 */
export async function removeInBatches<T>(options: {
  size: number;
  next: () => Promise<T[]>;
  remove: (item: T) => Promise<boolean>;
  onError: (item: T, error: unknown) => void;
}): Promise<number> {
  const { size, next, remove, onError } = options;
  let total = 0;
  for (;;) {
    const batch = await next();
    let removed = 0;
    for (const item of batch) {
      try {
        if (await remove(item)) removed += 1;
      } catch (error) {
        onError(item, error);
      }
    }
    total += removed;
    if (batch.length < size || removed === 0) return total;
  }
}
