import { randomBytes } from 'node:crypto';
import { Client } from 'pg';
export function databaseUrl(serverUrl, database) {
    const url = new URL(serverUrl);
    url.pathname = `/${database}`;
    return url.toString();
}
export function uniqueDatabaseName(...parts) {
    const words = parts.map((part) => part.toLowerCase().replaceAll(/[^a-z0-9]+/g, '_'));
    return ['bench', ...words, randomBytes(4).toString('hex')].join('_');
}
async function withClient(url, use) {
    const client = new Client({ connectionString: url });
    await client.connect();
    try {
        return await use(client);
    }
    finally {
        await client.end();
    }
}
export async function createDatabase(serverUrl, name) {
    await withClient(serverUrl, (client) => client.query(`CREATE DATABASE ${name}`));
    return databaseUrl(serverUrl, name);
}
export async function dropDatabase(serverUrl, name) {
    await withClient(serverUrl, (client) => client.query(`DROP DATABASE IF EXISTS ${name} WITH (FORCE)`));
}
export async function withFreshDatabase(serverUrl, nameParts, use) {
    const name = uniqueDatabaseName(...nameParts);
    const url = await createDatabase(serverUrl, name);
    try {
        return await use(url);
    }
    finally {
        await dropDatabase(serverUrl, name);
    }
}
export async function vacuumAnalyze(url) {
    await withClient(url, (client) => client.query('VACUUM ANALYZE'));
}
export async function serverVersion(serverUrl) {
    return withClient(serverUrl, async (client) => {
        const result = await client.query('SHOW server_version');
        return result.rows[0].server_version;
    });
}
//# sourceMappingURL=databases.js.map