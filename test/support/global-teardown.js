import { rm } from 'node:fs/promises';

export default async function globalTeardown() {
  await globalThis.embeddedPostgres?.stop();
  if (globalThis.embeddedPostgresDir) {
    await rm(globalThis.embeddedPostgresDir, { recursive: true, force: true });
  }
}
