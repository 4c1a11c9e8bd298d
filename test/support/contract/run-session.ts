import { spawn } from 'node:child_process';
import { once } from 'node:events';
import { readFile } from 'node:fs/promises';
import path from 'node:path';
import { compiledEntry } from './compile-session.js';
import type { Exchange } from './typed-fetch.js';

export interface SessionRun {
  code: number | null;
  /** What the program wrote to stderr: why it stopped, when it did. */
  stderr: string;
  exchanges: Exchange[];
}

/**
 * Runs the compiled session program (in `outDir`) with exactly `env` (plus PATH and HOME), and
 * reads back every exchange it recorded, also when it stopped half-way.
 */
export async function runSession(outDir: string, env: Record<string, string>): Promise<SessionRun> {
  const record = path.join(outDir, 'exchanges.jsonl');
  const child = spawn(process.execPath, [compiledEntry(outDir)], {
    env: {
      PATH: process.env.PATH ?? '',
      HOME: process.env.HOME ?? '',
      ...env,
      CONTRACT_RECORD: record,
    },
    stdio: ['ignore', 'inherit', 'pipe'],
    // Its waits are bounded; this only keeps a hung run from outliving the test.
    timeout: 50_000,
  });
  let stderr = '';
  child.stderr.on('data', (chunk: Buffer) => (stderr += chunk.toString('utf8')));
  const [code] = (await once(child, 'exit')) as [number | null];
  const lines = await readFile(record, 'utf8').catch(() => '');
  const exchanges = lines
    .split('\n')
    .filter(Boolean)
    .map((line) => JSON.parse(line) as Exchange);
  return { code, stderr, exchanges };
}
