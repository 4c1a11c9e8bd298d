import { readFileSync } from 'node:fs';
import { Command } from 'commander';
import { addArtifactsCommands } from './commands/artifacts.js';
import { addKeysCommands } from './commands/keys.js';
import { addLoginCommand } from './commands/login.js';
import { addQueuesCommands } from './commands/queues.js';
import { addSubmitCommands } from './commands/submit.js';
import { addTasksCommands } from './commands/tasks.js';
import { addTypesCommand } from './commands/types.js';
import { addWorkersCommand } from './commands/workers.js';
import { CliContext, type GlobalFlags } from './context.js';
import { DEFAULT_URL } from './settings.js';

const HELP_AFTER = `
Settings: --url and --key, else TASKYARD_URL and TASKYARD_KEY, else the file \`taskyard login\`
writes ($XDG_CONFIG_HOME/taskyard/config.json or ~/.config/taskyard/config.json).
Bars show only when stdout is a terminal; in a pipe each event is a line.
Exit status: 0 done; 1 failed (the problem's title on stderr; a task that ends failed or
cancelled too); 2 bad usage; 130 Ctrl-C.`;

/** The `taskyard` command tree; `signal` fires on Ctrl-C. */
export function buildProgram(signal: AbortSignal): Command {
  const program = new Command('taskyard')
    .description(
      'Submit files and tasks to a Taskyard service, follow them live, manage keys and queues, list workers.',
    )
    .version(packageVersion())
    .option('--url <url>', `the service's root URL (default ${DEFAULT_URL})`)
    .option('--key <key>', 'the API key')
    .option('--json', 'print JSON for scripts instead of tables, lines and bars')
    .exitOverride()
    .showHelpAfterError('(add --help for usage)')
    .configureHelp({ showGlobalOptions: true, sortSubcommands: false })
    .addHelpText('after', HELP_AFTER);
  const contextOf = (command: Command): CliContext =>
    new CliContext(command.optsWithGlobals<GlobalFlags>(), signal);
  addSubmitCommands(program, contextOf);
  addTasksCommands(program, contextOf);
  addTypesCommand(program, contextOf);
  addArtifactsCommands(program, contextOf);
  addKeysCommands(program, contextOf);
  addQueuesCommands(program, contextOf);
  addWorkersCommand(program, contextOf);
  addLoginCommand(program, contextOf);
  return program;
}

function packageVersion(): string {
  const file = new URL('../../package.json', import.meta.url);
  return (JSON.parse(readFileSync(file, 'utf8')) as { version: string }).version;
}
