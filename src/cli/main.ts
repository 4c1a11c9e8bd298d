#!/usr/bin/env node
import { CommanderError } from 'commander';
import { CliError, describeError, EXIT, exitCodeOf } from './errors.js';
import { buildProgram } from './program.js';

/**
 * The `taskyard` command (bin/taskyard.js launches it). Failures print one line on stderr; the
 * exit status says how it ended (see HELP_AFTER in program.ts).
 */
async function main(argv: string[]): Promise<number> {
  const interrupt = new AbortController();
  process.on('SIGINT', () => {
    if (interrupt.signal.aborted) process.exit(EXIT.interrupted); // a second Ctrl-C: go now
    interrupt.abort();
  });
  try {
    await buildProgram(interrupt.signal).parseAsync(argv, { from: 'user' });
    return EXIT.ok;
  } catch (error) {
    // Commander has printed the usage error, or the help that was asked for.
    if (error instanceof CommanderError) return error.exitCode === 0 ? EXIT.ok : EXIT.usage;
    if (interrupt.signal.aborted && !(error instanceof CliError)) {
      process.stderr.write('taskyard: interrupted\n');
      return EXIT.interrupted;
    }
    process.stderr.write(`taskyard: ${describeError(error)}\n`);
    return exitCodeOf(error);
  }
}

// Exit at once: an open socket or a keep-alive connection must not hold the command.
void main(process.argv.slice(2)).then((code) => process.exit(code));
