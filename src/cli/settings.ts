import { chmod, mkdir, readFile, writeFile } from 'node:fs/promises';
import { homedir } from 'node:os';
import path from 'node:path';
import { CliError } from './errors.js';

export const DEFAULT_URL = 'http://localhost:3000';

/** Where the service is and the API key to call it with. */
export interface Settings {
  url: string;
  key: string;
}

/**
 * The file `taskyard login` writes: $XDG_CONFIG_HOME/taskyard/config.json, else
 * ~/.config/taskyard/config.json. The CLI reads the environment here and nowhere else.
 */
export function configPath(): string {
  const base = process.env.XDG_CONFIG_HOME || path.join(homedir(), '.config');
  return path.join(base, 'taskyard', 'config.json');
}

export async function readConfig(file = configPath()): Promise<Partial<Settings>> {
  let text: string;
  try {
    text = await readFile(file, 'utf8');
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code === 'ENOENT') return {};
    throw new CliError(`cannot read ${file}: ${(error as Error).message}`);
  }
  let saved: unknown;
  try {
    saved = JSON.parse(text);
  } catch {
    throw new CliError(`${file} is not JSON; run \`taskyard login\` again to rewrite it`);
  }
  const { url, key } = (saved ?? {}) as Record<string, unknown>;
  return {
    ...(typeof url === 'string' ? { url } : {}),
    ...(typeof key === 'string' ? { key } : {}),
  };
}

/** Saves the settings readable by their owner alone (the key is a secret). */
export async function writeConfig(settings: Settings, file = configPath()): Promise<void> {
  await mkdir(path.dirname(file), { recursive: true, mode: 0o700 });
  await writeFile(file, `${JSON.stringify(settings, null, 2)}\n`, { mode: 0o600 });
  await chmod(file, 0o600); // a file that existed keeps its old mode through writeFile
}

/**
 * Flags first, then TASKYARD_URL / TASKYARD_KEY, then the login file; the URL defaults. With
 * `askKey` (login), a key neither flagged nor in the environment is asked for, not read from the file.
 */
export async function resolveSettings(
  flags: Partial<Settings>,
  askKey?: () => Promise<string>,
): Promise<Settings> {
  const saved = await readConfig();
  const url = flags.url || process.env.TASKYARD_URL || saved.url || DEFAULT_URL;
  const key = flags.key || process.env.TASKYARD_KEY || (askKey ? await askKey() : saved.key);
  if (!key) {
    throw new CliError('no API key: pass --key, set TASKYARD_KEY, or run `taskyard login` once');
  }
  return { url, key };
}
