import { DataSource } from 'typeorm';
import { ENTITIES } from '../../src/database/entities.js';
import { entityColumns } from '../../src/database/entity-columns.js';
import { runMigrations } from '../../src/database/migrator.js';
import { createTestDatabase, TEST_SCHEMA, type TestDatabase } from '../support/database.js';

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
    await runMigrations(dataSource, TEST_SCHEMA);
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

  it('give hand-written SQL that selects entityColumns() the rows TypeORM would give', async () => {
    await dataSource.query(`
      INSERT INTO files (id, tenant, sha256, size, media_type, name)
        VALUES ('00000000-0000-4000-8000-000000000001', 'a', 'ab', 9007199254740993, 'text/csv', NULL);
      INSERT INTO tasks (id, tenant, type, input_file_id, payload, max_attempts, job_id, progress)
        VALUES ('00000000-0000-4000-8000-000000000002', 'a', 'echo',
                '00000000-0000-4000-8000-000000000001', '{"n": [1, "x"]}', 3, 42, '{"percent": 5}');
      INSERT INTO task_events (task_id, seq, kind, data)
        VALUES ('00000000-0000-4000-8000-000000000002', 1, 'created', '{"type": "echo"}');
      INSERT INTO api_keys (tenant, name, role, key_hash, key_prefix)
        VALUES ('a', 'k', 'user', '\\x00ff', 'ty_abc');
      INSERT INTO tenant_limits (tenant, max_stored_bytes) VALUES ('a', 10);`);
    for (const entity of ENTITIES) {
      const metadata = dataSource.getMetadata(entity);
      const [typeorm] = await dataSource.getRepository(entity).find();
      const [raw] = await dataSource.query<unknown[]>(
        `SELECT ${entityColumns(metadata)} FROM ${metadata.tableName}`,
      );
      expect({ table: metadata.tableName, row: raw }).toEqual({
        table: metadata.tableName,
        // toEqual compares own fields, not prototypes: TypeORM's entity instance against pg's plain row.
        row: typeorm,
      });
    }
  });
});
