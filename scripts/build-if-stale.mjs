#!/usr/bin/env node
// Builds dist/ (tsc -p tsconfig.build.json) only when it may be out of date: when dist/.built-at is
// missing (a fresh clone) or something tsc compiles - a file or folder under src/, or a tsconfig -
// changed after the last build that went through here. Folders count so that a deleted or renamed
// file is noticed. The stamp takes the time the build started, so an edit made during the build
// is built next time. `npm run keys` calls it so that a call answers without a rebuild.
import { spawnSync } from 'node:child_process';
import { mkdirSync, readdirSync, statSync, utimesSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';

const root = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..');
const stamp = path.join(root, 'dist', '.built-at');
const inputs = ['src', 'tsconfig.json', 'tsconfig.build.json'].map((p) => path.join(root, p));

/** The latest change under `file`; -Infinity when it does not exist (an image with dist/ only). */
function newestChange(file) {
  const stat = statSync(file, { throwIfNoEntry: false });
  if (!stat) return -Infinity;
  let newest = stat.mtimeMs;
  if (stat.isDirectory()) {
    for (const entry of readdirSync(file))
      newest = Math.max(newest, newestChange(path.join(file, entry)));
  }
  return newest;
}

function builtAt() {
  try {
    return statSync(stamp).mtimeMs;
  } catch {
    return -Infinity;
  }
}

const changedAt = Math.max(...inputs.map(newestChange));
if (changedAt !== -Infinity && changedAt >= builtAt()) {
  const startedAt = new Date();
  const tsc = path.join(root, 'node_modules', 'typescript', 'bin', 'tsc');
  const build = spawnSync(process.execPath, [tsc, '-p', 'tsconfig.build.json'], {
    cwd: root,
    stdio: 'inherit',
  });
  if (build.status !== 0) process.exit(build.status ?? 1);
  mkdirSync(path.dirname(stamp), { recursive: true });
  writeFileSync(stamp, `${startedAt.toISOString()}\n`);
  utimesSync(stamp, startedAt, startedAt);
}
