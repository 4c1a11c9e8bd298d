import { Client } from 'pg';

/**
 * The application_name of the benchmark's own watching connections, which the connection count
 * leaves out: only what the system under test opens is counted.
 */
export const OBSERVER_APP = 'bench-observer';

/** A connection for watching a bench database, left out of its connection count. */
export async function connectObserver(url: string): Promise<Client> {
  const client = new Client({ connectionString: url, application_name: OBSERVER_APP });
  await client.connect();
  return client;
}
