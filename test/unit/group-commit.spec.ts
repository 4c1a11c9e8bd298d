import { GroupCommit, type GroupCommitPolicy } from '../../src/database/group-commit.js';

/** A write that records its batches and waits for `release()` before answering each one. */
function heldWrites(fail?: (items: string[]) => Error | undefined) {
  const batches: string[][] = [];
  const waiting: (() => void)[] = [];
  const write = async (items: string[]): Promise<string[]> => {
    batches.push(items);
    await new Promise<void>((resolve) => waiting.push(resolve));
    const error = fail?.(items);
    if (error) throw error;
    return items.map((item) => item.toUpperCase());
  };
  const release = async (): Promise<void> => {
    while (waiting.length === 0) await new Promise((resolve) => setImmediate(resolve));
    waiting.shift()?.();
  };
  return { batches, write, release };
}

const failsWithBad = (items: string[]) =>
  items.includes('bad')
    ? Object.assign(new Error(`cannot write ${items.join(',')}`), { code: '22P05' })
    : undefined;

describe('GroupCommit', () => {
  it('splits what waits into batches of at most maxBatch, in order, calling afterBatch after each', async () => {
    const writes = heldWrites();
    const after: number[] = [];
    const commits = new GroupCommit(writes.write, {
      maxBatch: 2,
      failedBatch: 'fail-all',
      afterBatch: () => after.push(writes.batches.length),
    });
    const results = Promise.all(['a', 'b', 'c'].map((item) => commits.add(item)));
    for (let i = 0; i < 2; i++) await writes.release();
    expect(await results).toEqual(['A', 'B', 'C']);
    expect(writes.batches).toEqual([['a', 'b'], ['c']]);
    expect(after).toEqual([1, 2]);
  });

  it('counts and lists the items not yet written, the batch in flight first, until drained', async () => {
    const writes = heldWrites();
    const commits = new GroupCommit(writes.write, { maxBatch: 10, failedBatch: 'fail-all' });
    const first = commits.add('a');
    await new Promise((resolve) => setImmediate(resolve));
    const second = commits.add('b');
    expect(commits.size).toBe(2);
    expect(commits.unwritten()).toEqual(['a', 'b']);
    let drained = false;
    const draining = commits.drained().then(() => (drained = true));
    await writes.release();
    await first;
    expect(commits.unwritten()).toEqual(['b']);
    expect(drained).toBe(false);
    await writes.release();
    await Promise.all([second, draining]);
    expect(commits.size).toBe(0);
  });

  it('fails every item of a failed batch with its error under fail-all', async () => {
    const writes = heldWrites(failsWithBad);
    const commits = new GroupCommit(writes.write, { maxBatch: 10, failedBatch: 'fail-all' });
    const settled = Promise.allSettled(['a', 'bad'].map((item) => commits.add(item)));
    await writes.release();
    const reasons = (await settled).map((s) => (s as PromiseRejectedResult).reason as Error);
    expect(reasons.map((r) => r.message)).toEqual(['cannot write a,bad', 'cannot write a,bad']);
    expect(writes.batches).toEqual([['a', 'bad']]);
  });

  it('writes a failed batch again one item after another (in-turn), when the error calls for it', async () => {
    const writes = heldWrites(failsWithBad);
    const policy: GroupCommitPolicy = {
      maxBatch: 10,
      failedBatch: {
        writeAlone: 'in-turn',
        if: (error) => (error as { code?: string }).code === '22P05',
      },
    };
    const commits = new GroupCommit(writes.write, policy);
    const settled = Promise.allSettled(['a', 'bad', 'c'].map((item) => commits.add(item)));
    await writes.release();
    await writes.release();
    await new Promise((resolve) => setImmediate(resolve));
    // While 'bad' is being written alone, 'c' waits its turn.
    expect(writes.batches).toEqual([['a', 'bad', 'c'], ['a'], ['bad']]);
    await writes.release();
    await writes.release();
    expect((await settled).map((s) => s.status)).toEqual(['fulfilled', 'rejected', 'fulfilled']);
    expect(writes.batches).toEqual([['a', 'bad', 'c'], ['a'], ['bad'], ['c']]);
  });

  it('fails the whole batch when the error does not call for writing items alone', async () => {
    const writes = heldWrites(() => new Error('connection terminated'));
    const commits = new GroupCommit(writes.write, {
      maxBatch: 10,
      failedBatch: {
        writeAlone: 'in-turn',
        if: (error) => (error as { code?: string }).code === '22P05',
      },
    });
    const settled = Promise.allSettled(['a', 'b'].map((item) => commits.add(item)));
    await writes.release();
    expect((await settled).map((s) => s.status)).toEqual(['rejected', 'rejected']);
    expect(writes.batches).toEqual([['a', 'b']]);
  });
});
