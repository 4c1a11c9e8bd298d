/**
 * The README's session as a typed client program, compiled by the contract test against the types
 * generated from /docs-json and run against a started app. Every response goes to the file named
 * by CONTRACT_RECORD, for the test to check against the document.
 */
import { appendTo, createClient } from '../typed-fetch.js';
import { createUserKey, adminSession } from './admin-session.js';
import type { Session } from './api.js';
import { errorSession } from './error-session.js';
import { filesSession } from './files-session.js';
import type { paths } from './openapi.js';
import { operationsSession } from './operations-session.js';
import { taskTypesSession } from './task-types-session.js';
import { readmeSession } from './tasks-session.js';
import { remoteWorkersSession } from './remote-workers-session.js';
import { schedulesSession } from './schedules-session.js';
import { taskActions } from './tasks-actions.js';
import { webhooksSession } from './webhooks-session.js';

function setting(name: string): string {
  const value = process.env[name];
  if (!value) throw new Error(`${name} is not set`);
  return value;
}

async function main(): Promise<void> {
  const baseUrl = setting('TASKYARD_URL');
  const record = appendTo(setting('CONTRACT_RECORD'));
  const client = (key: string) => createClient<paths>({ baseUrl, key, record });
  const admin = client(setting('TASKYARD_ADMIN_KEY'));
  const tenant = 'readme';
  const session: Session = {
    admin,
    user: client(await createUserKey(admin, tenant)),
    tenant,
    maxUploadBytes: Number(setting('MAX_UPLOAD_BYTES')),
    jobId: setting('CONTRACT_JOB_ID'),
    client,
  };
  const parts = [
    taskTypesSession,
    readmeSession,
    taskActions,
    filesSession,
    errorSession,
    adminSession,
    operationsSession,
    webhooksSession,
    remoteWorkersSession,
    schedulesSession,
  ];
  for (const part of parts) await part(session);
}

main().catch((error: unknown) => {
  console.error(error instanceof Error ? error.stack : error);
  process.exitCode = 1;
});
