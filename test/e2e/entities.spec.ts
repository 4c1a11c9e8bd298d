import { DataSource } from 'typeorm';
import { ENTITIES } from '../../src/database/entities.js';
import { runMigrations } from '../../src/database/migrator.js';
import { createTestDatabase, type TestDatabase } from '../support/database.js';

/**
 * What TypeORM would change is all it cannot know: task_events.xid is xid8, a type TypeORM does
 * not have, so the entity leaves the column (and the index on it) out.
 */
const BEYOND_TYPEORM = [
  /^DROP INDEX "\w+"\."task_events_xid_idx"$/,
  /^ALTER TABLE "(\w+"\.")?task_events" DROP COLUMN "xid"$/,
];

describe('TypeORM entities', () => {
  let database: TestDatabase;
  let dataSource: DataSource;

  beforeAll(async () => {
    database = await createTestDatabase();
    dataSource = new DataSource({ type: 'postgres', url: database.url, entities: ENTITIES });
    await dataSource.initialize();
    await runMigrations(dataSource);
  });
  afterAll(async () => {
    await dataSource?.destroy();
    await database?.drop();
  });

  it('match the schema the migrations build: TypeORM would change nothing else', async () => {
    const diff = await dataSource.driver.createSchemaBuilder().log();
    const changes = diff.upQueries.map((query) => query.query);
    expect(changes).toEqual(BEYOND_TYPEORM.map((pattern) => expect.stringMatching(pattern)));
  });
});
