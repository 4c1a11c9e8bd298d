/**
 * Removes batch after batch of what `next` reads (at most `size` each) until a batch comes back
 * short or removes nothing, and answers how many went. What `remove` leaves is left for the next
 * run; an error ends this one.
 */
export async function removeInBatches<T>(options: {
  size: number;
  next: () => Promise<T[]>;
  remove: (batch: T[]) => Promise<number>;
}): Promise<number> {
  const { size, next, remove } = options;
  let total = 0;
  for (;;) {
    const batch = await next();
    const removed = batch.length === 0 ? 0 : await remove(batch);
    total += removed;
    if (batch.length < size || removed === 0) return total;
  }
}
