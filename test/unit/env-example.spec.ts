import { execFileSync } from 'node:child_process';
import { existsSync, readFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { parse } from 'dotenv';
import { Environment } from '../../src/config/environment.js';
import { loadConfig } from '../../src/config/load-config.js';

const EXAMPLE = fileURLToPath(new URL('../../.env.example', import.meta.url));
const SHELLS = ['/bin/sh', '/bin/dash', '/bin/bash'].filter((shell) => existsSync(shell));

/** What `set -a; . ./.env.example` leaves in a clean shell, for each variable of Environment. */
function sourcedBy(shell: string, names: string[]): Record<string, string> {
  // -e: a line the shell cannot run (e.g. `17 * * * *` unquoted runs `*` as a command) fails it.
  const script = `set -e; set -a; . "$1"; set +a; ${names.map((n) => `printf '%s\\0' "$${n}"`).join('; ')}`;
  const out = execFileSync(shell, ['-c', script, 'sh', EXAMPLE], {
    env: { PATH: process.env.PATH },
    encoding: 'utf8',
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  const values = out.split('\0').slice(0, names.length);
  return Object.fromEntries(names.map((name, i) => [name, values[i]]));
}

describe('.env.example', () => {
  const documented = parse(readFileSync(EXAMPLE));
  const defaults = new Environment() as unknown as Record<
    string,
    string | number | boolean | undefined
  >;
  const names = Object.keys(defaults);

  it('lists every setting, and only those', () => {
    expect(Object.keys(documented).sort()).toEqual([...names].sort());
  });

  it('shows each default as the code has it', () => {
    for (const [name, value] of Object.entries(defaults)) {
      expect([name, documented[name]]).toEqual([name, value === undefined ? '' : String(value)]);
    }
  });

  it.each(SHELLS)('loads in %s with set -a and gives every default', (shell) => {
    const sourced = sourcedBy(shell, names);
    for (const [name, value] of Object.entries(defaults)) {
      expect([name, sourced[name]]).toEqual([name, value === undefined ? '' : String(value)]);
    }
    // The settings a shell-loaded file produces are exactly those of no settings at all.
    expect(loadConfig(sourced, null)).toEqual(loadConfig({}, null));
  });
});
