import { readFile } from 'node:fs/promises';
import { CliError, EXIT } from './errors.js';

/** A flag's JSON value: the text itself, or `@path` for a file holding it. */
export async function jsonArgument(value: string | undefined, flag: string): Promise<unknown> {
  if (value === undefined) return undefined;
  let text = value;
  if (value.startsWith('@')) {
    try {
      text = await readFile(value.slice(1), 'utf8');
    } catch (error) {
      throw new CliError(`${flag}: cannot read ${value.slice(1)} (${(error as Error).message})`);
    }
  }
  try {
    return JSON.parse(text) as unknown;
  } catch (error) {
    throw new CliError(`${flag} is not JSON: ${(error as Error).message}`, EXIT.usage);
  }
}

/** A flag's JSON value that must be an object (a task's options). */
export async function jsonObjectArgument(
  value: string | undefined,
  flag: string,
): Promise<object | undefined> {
  const parsed = await jsonArgument(value, flag);
  if (parsed === undefined) return undefined;
  if (typeof parsed !== 'object' || parsed === null || Array.isArray(parsed)) {
    throw new CliError(`${flag} must be a JSON object`, EXIT.usage);
  }
  return parsed;
}
