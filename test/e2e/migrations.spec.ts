import { cp, mkdtemp, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { DataSource } from 'typeorm';
import { MIGRATIONS_DIR, runMigrations } from '../../src/database/migrator.js';
import { createTestDatabase, TEST_SCHEMA, type TestDatabase } from '../support/database.js';

const FIXTURES = fileURLToPath(new URL('../fixtures/migrations', import.meta.url));

describe('SQL migrations', () => {
  let database: TestDatabase;
  const dataSources: DataSource[] = [];

  async function connect(): Promise<DataSource> {
    const dataSource = new DataSource({ type: 'postgres', url: database.url });
    await dataSource.initialize();
    dataSources.push(dataSource);
    return dataSource;
  }

  beforeEach(async () => {
    database = await createTestDatabase();
  });
  afterEach(async () => {
    await Promise.all(dataSources.splice(0).map((d) => d.destroy()));
    await database.drop();
  });

  it('applies pending files in order, once, and records them', async () => {
    const db = await connect();
    const first = await runMigrations(db, TEST_SCHEMA, path.join(FIXTURES, 'good'));
    expect(first.map((m) => m.name)).toEqual(['create_widgets', 'widget_colour']);
    const second = await runMigrations(db, TEST_SCHEMA, path.join(FIXTURES, 'good'));
    expect(second).toEqual([]);

    expect(await db.query('SELECT name, colour FROM widgets')).toEqual([
      { name: 'first', colour: 'blue' },
    ]);
    const recorded = await db.query('SELECT version, name FROM schema_migrations ORDER BY version');
    expect(recorded).toEqual([
      { version: 1, name: 'create_widgets' },
      { version: 2, name: 'widget_colour' },
    ]);
  });

  it('applies each file exactly once when several processes start together', async () => {
    const connections = await Promise.all([connect(), connect(), connect()]);
    const results = await Promise.all(
      connections.map((db) => runMigrations(db, TEST_SCHEMA, path.join(FIXTURES, 'good'))),
    );
    expect(results.map((applied) => applied.length).sort((a, b) => a - b)).toEqual([0, 0, 2]);
    expect(await connections[0].query('SELECT count(*)::int AS n FROM widgets')).toEqual([
      { n: 1 },
    ]);
  });

  it('rolls a failing file back whole and records nothing for it', async () => {
    const db = await connect();
    await expect(runMigrations(db, TEST_SCHEMA, path.join(FIXTURES, 'broken'))).rejects.toThrow(
      /Migration 0002_half_done failed: relation "no_such_table" does not exist/,
    );
    const tables = await db.query(
      "SELECT table_name FROM information_schema.tables WHERE table_name IN ('widgets', 'gadgets')",
    );
    expect(tables).toEqual([{ table_name: 'widgets' }]);
    expect(await db.query('SELECT version FROM schema_migrations')).toEqual([{ version: 1 }]);
  });

  it('refuses to run when an applied file was edited afterwards', async () => {
    const dir = await mkdtemp(path.join(tmpdir(), 'taskyard-migrations-'));
    await cp(path.join(FIXTURES, 'good'), dir, { recursive: true });
    const db = await connect();
    await runMigrations(db, TEST_SCHEMA, dir);
    await writeFile(path.join(dir, '0001_create_widgets.sql'), 'CREATE TABLE widgets (id int);');
    await expect(runMigrations(db, TEST_SCHEMA, dir)).rejects.toThrow(
      /0001_create_widgets was changed after it was applied/,
    );
  });

  it('refuses badly named files', async () => {
    const dir = await mkdtemp(path.join(tmpdir(), 'taskyard-migrations-'));
    await writeFile(path.join(dir, '1-widgets.sql'), 'SELECT 1;');
    await expect(runMigrations(await connect(), TEST_SCHEMA, dir)).rejects.toThrow(
      /not of the form 0001_snake_case\.sql/,
    );
  });

  it("applies the repository's own migrations cleanly", async () => {
    const db = await connect();
    await runMigrations(db, TEST_SCHEMA, MIGRATIONS_DIR);
    expect(await runMigrations(db, TEST_SCHEMA, MIGRATIONS_DIR)).toEqual([]);
  });
});
