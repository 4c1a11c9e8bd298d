import { EventEmitter } from 'node:events';
import type { DataSource } from 'typeorm';
import { Database } from '../../src/database/database.js';

/** A pooled connection that records its statements and fails those `failing` names. */
class FakeClient extends EventEmitter {
  readonly statements: string[] = [];
  released?: Error | true;

  constructor(private readonly failing: string[]) {
    super();
  }

  query(text: string): Promise<void> {
    this.statements.push(text);
    return this.failing.includes(text)
      ? Promise.reject(new Error(`${text} failed`))
      : Promise.resolve();
  }

  release(error?: Error): void {
    this.released = error ?? true;
  }
}

function databaseWith(client: FakeClient): Database {
  const pool = { connect: () => Promise.resolve(client) };
  return new Database({ driver: { master: pool }, options: {} } as unknown as DataSource);
}

describe('Database.transaction', () => {
  it('commits and gives the connection back to the pool', async () => {
    const client = new FakeClient([]);
    await expect(
      databaseWith(client).transaction(async (tx) => tx.query('SELECT 1')),
    ).resolves.toBeUndefined();
    expect(client.statements).toEqual(['BEGIN', 'SELECT 1', 'COMMIT']);
    expect(client.released).toBe(true);
    expect(client.listenerCount('error')).toBe(0);
  });

  it('rolls back when the work throws, and rethrows its error', async () => {
    const client = new FakeClient([]);
    const work = databaseWith(client).transaction(() => Promise.reject(new Error('rule broken')));
    await expect(work).rejects.toThrow('rule broken');
    expect(client.statements).toEqual(['BEGIN', 'ROLLBACK']);
    expect(client.released).toBe(true);
  });

  it('destroys a connection that cannot roll back instead of pooling it again', async () => {
    const client = new FakeClient(['COMMIT', 'ROLLBACK']);
    await expect(databaseWith(client).transaction(async () => 1)).rejects.toThrow('COMMIT failed');
    expect(client.released).toEqual(new Error('ROLLBACK failed'));
  });

  it("ignores the connection's 'error' events while it is held", async () => {
    const client = new FakeClient([]);
    const held = databaseWith(client).transaction(async () => {
      // Without a listener, an 'error' event would throw here (and end the process).
      client.emit('error', new Error('connection cut'));
      return 'went on';
    });
    await expect(held).resolves.toBe('went on');
    expect(client.listenerCount('error')).toBe(0);
  });
});
