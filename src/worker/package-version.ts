import { existsSync, readFileSync } from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';

/**
 * Taskyard's version, from the nearest package.json above this file: found from src/ (tests),
 * dist/ and dist-test/ alike, and from node_modules/taskyard when a host application embeds it.
 */
export const PACKAGE_VERSION = versionAbove(path.dirname(fileURLToPath(import.meta.url)));

function versionAbove(from: string): string {
  for (let dir = from; dir !== path.dirname(dir); dir = path.dirname(dir)) {
    const file = path.join(dir, 'package.json');
    if (existsSync(file)) {
      return (JSON.parse(readFileSync(file, 'utf8')) as { version?: string }).version ?? 'unknown';
    }
  }
  return 'unknown';
}
