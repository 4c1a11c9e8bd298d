import { check, expectStatus, type Session } from './api.js';

/** The task types with their options' JSON Schema, and the 304 of an unchanged list. */
export async function taskTypesSession({ user }: Session): Promise<void> {
  const listed = expectStatus(await user.call('get', '/api/v1/task-types', {}), 200);
  const csv = listed.body.types.find((t) => t.type === 'csv.import');
  check(csv?.input === 'file' && csv.mediaTypes.includes('text/csv'), 'csv.import, on a CSV file');
  const columns = (csv.options.properties as Record<string, { items?: { required?: string[] } }>)
    .columns;
  check(columns.items?.required?.includes('name') === true, 'a column needs its name');
  const sleep = listed.body.types.find((t) => t.type === 'sleep');
  check(sleep?.input === 'payload' && sleep.mediaTypes.length === 0, 'sleep, on a payload');
  const etag = listed.header('ETag');
  check(etag !== null, 'an ETag');
  const again = await user.call('get', '/api/v1/task-types', { header: { 'If-None-Match': etag } });
  expectStatus(again, 304);
}
