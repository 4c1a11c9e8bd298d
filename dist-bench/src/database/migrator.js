import { createHash } from 'node:crypto';
import { readdir, readFile } from 'node:fs/promises';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
export const MIGRATIONS_DIR = fileURLToPath(new URL('../../migrations', import.meta.url));
const FILE_NAME = /^(\d{4})_([a-z0-9_]+)\.sql$/;
const MIGRATION_LOCK_ID = 7_240_001;
export async function readMigrations(dir) {
    const names = (await readdir(dir)).filter((file) => file.endsWith('.sql')).sort();
    const migrations = [];
    for (const file of names) {
        const match = FILE_NAME.exec(file);
        if (!match)
            throw new Error(`Migration file name ${file} is not of the form 0001_snake_case.sql`);
        const version = Number(match[1]);
        if (migrations.some((m) => m.version === version)) {
            throw new Error(`Two migration files have version ${match[1]}`);
        }
        const sql = await readFile(path.join(dir, file), 'utf8');
        const checksum = createHash('sha256').update(sql).digest('hex');
        migrations.push({ version, name: match[2] ?? '', sql, checksum });
    }
    return migrations;
}
export async function runMigrations(dataSource, dir = MIGRATIONS_DIR) {
    const migrations = await readMigrations(dir);
    const runner = dataSource.createQueryRunner();
    await runner.connect();
    try {
        await runner.query('SELECT pg_advisory_lock($1)', [MIGRATION_LOCK_ID]);
        await runner.query(`
      CREATE TABLE IF NOT EXISTS schema_migrations (
        version    integer PRIMARY KEY,
        name       text NOT NULL,
        checksum   text NOT NULL,
        applied_at timestamptz NOT NULL DEFAULT now()
      )`);
        const applied = await appliedChecksums(runner);
        const pending = [];
        for (const migration of migrations) {
            const checksum = applied.get(migration.version);
            if (checksum === undefined)
                pending.push(migration);
            else if (checksum !== migration.checksum) {
                throw new Error(`Migration ${label(migration)} was changed after it was applied; add a new migration instead`);
            }
        }
        for (const migration of pending)
            await apply(runner, migration);
        return pending;
    }
    finally {
        await runner.query('SELECT pg_advisory_unlock($1)', [MIGRATION_LOCK_ID]).catch(() => undefined);
        await runner.release();
    }
}
async function appliedChecksums(runner) {
    const rows = (await runner.query('SELECT version, checksum FROM schema_migrations'));
    return new Map(rows.map((row) => [row.version, row.checksum]));
}
async function apply(runner, migration) {
    await runner.startTransaction();
    try {
        await runner.query(migration.sql);
        await runner.query('INSERT INTO schema_migrations (version, name, checksum) VALUES ($1, $2, $3)', [migration.version, migration.name, migration.checksum]);
        await runner.commitTransaction();
    }
    catch (error) {
        await runner.rollbackTransaction();
        throw new Error(`Migration ${label(migration)} failed: ${error.message}`, {
            cause: error,
        });
    }
}
function label(migration) {
    return `${String(migration.version).padStart(4, '0')}_${migration.name}`;
}
//# sourceMappingURL=migrator.js.map