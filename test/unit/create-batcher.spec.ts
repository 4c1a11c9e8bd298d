import { GroupCommit } from '../../src/database/group-commit.js';
import { CREATE_BATCHES } from '../../src/tasks/task-creator.js';

describe('group commit of task creates (CREATE_BATCHES)', () => {
  it('writes creates made together in one batch, each answered with its own result', async () => {
    const batches: string[][] = [];
    const batcher = new GroupCommit<string, string>(async (items) => {
      batches.push(items);
      return items.map((item) => item.toUpperCase());
    }, CREATE_BATCHES);
    const results = await Promise.all(['a', 'b', 'c'].map((item) => batcher.add(item)));
    expect(results).toEqual(['A', 'B', 'C']);
    expect(batches).toEqual([['a', 'b', 'c']]);
  });

  it('takes creates that arrive during a write into the next batch', async () => {
    const batches: number[][] = [];
    let release: (() => void) | undefined;
    const batcher = new GroupCommit<number, number>(async (items) => {
      batches.push(items);
      if (batches.length === 1) await new Promise<void>((resolve) => (release = resolve));
      return items;
    }, CREATE_BATCHES);
    const first = batcher.add(1);
    await new Promise((resolve) => setImmediate(resolve));
    const later = [batcher.add(2), batcher.add(3)];
    release?.();
    expect(await Promise.all([first, ...later])).toEqual([1, 2, 3]);
    expect(batches).toEqual([[1], [2, 3]]);
  });

  it('writes a failed batch again one create at a time, so one bad create fails alone', async () => {
    const batcher = new GroupCommit<string, string>(async (items) => {
      if (items.includes('bad')) throw new Error(`cannot write ${items.join(',')}`);
      return items;
    }, CREATE_BATCHES);
    const settled = await Promise.allSettled(['a', 'bad', 'c'].map((item) => batcher.add(item)));
    expect(settled.map((s) => s.status)).toEqual(['fulfilled', 'rejected', 'fulfilled']);
    expect((settled[1] as PromiseRejectedResult).reason).toEqual(new Error('cannot write bad'));
  });
});
