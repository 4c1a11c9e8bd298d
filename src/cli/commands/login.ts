import { createInterface } from 'node:readline/promises';
import type { Command } from 'commander';
import { clientFor, type ContextOf } from '../context.js';
import { CliError } from '../errors.js';
import { print, printJson } from '../output.js';
import { configPath, resolveSettings, writeConfig } from '../settings.js';

export function addLoginCommand(program: Command, contextOf: ContextOf): void {
  program
    .command('login')
    .description(
      'check a URL and key against the service and save them for later commands (--url, --key; ' +
        'without --key it asks, or reads it from stdin)',
    )
    .action(async (_flags: object, command: Command) => {
      const context = contextOf(command);
      const { flags } = context;
      const settings = await resolveSettings(flags, () => readKey(context.signal));
      // Any key may list its own tasks: a refused key or a wrong URL fails here, before saving.
      await clientFor(settings).listTasks({ limit: 1 }, { signal: context.signal });
      const file = configPath();
      await writeConfig(settings, file);
      if (context.json) printJson({ url: settings.url, config: file });
      else print(`logged in to ${settings.url}; saved in ${file}`);
    });
}

/** The key from a prompt in a terminal, else the first line of stdin; Ctrl-C ends the wait. */
async function readKey(signal: AbortSignal): Promise<string> {
  const lines = createInterface({ input: process.stdin, output: process.stderr, terminal: false });
  signal.addEventListener('abort', () => lines.close());
  try {
    if (process.stdin.isTTY) return (await lines.question('API key: ', { signal })).trim();
    for await (const line of lines) if (line.trim()) return line.trim();
  } finally {
    lines.close();
  }
  signal.throwIfAborted();
  throw new CliError('no API key: pass --key, or give it on stdin');
}
