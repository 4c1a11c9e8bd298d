import 'reflect-metadata';
import { keysTable } from '../cli/keys-table.js';
import { type KeysCommand, parseKeysArgs, UsageError } from './keys-cli-args.js';

/**
 * Manages API keys from a shell, on the database the service uses: DATABASE_URL, or the embedded
 * server in DATA_DIR (shared with a service running on it, started for the command otherwise).
 * `create` prints the new key alone on the last line. Exit status: 0 done, 1 failed, 2 usage.
 */
async function main(argv: string[]): Promise<void> {
  let command: KeysCommand;
  try {
    command = parseKeysArgs(argv);
  } catch (error) {
    if (!(error instanceof UsageError)) throw error;
    process.stderr.write(`keys: ${error.message}\n\n${error.usage}\n`);
    process.exitCode = 2;
    return;
  }
  if (command.command === 'help') return print(command.text);
  await run(command);
}

/**
 * Starts only what a command needs: the settings, the database and the keys module, in a Nest
 * application context (no HTTP server, worker or gateway). Loaded after the arguments are read,
 * so that help and usage errors answer without loading Nest or TypeORM.
 */
async function run(command: Exclude<KeysCommand, { command: 'help' }>): Promise<void> {
  const { openKeysContext } = await import('./keys-cli-context.js');
  const context = await openKeysContext();
  try {
    const keys = context.keys;
    if (command.command === 'create') {
      const { key, record } = await keys.create(
        command.tenant,
        command.name,
        command.admin ? 'admin' : 'user',
      );
      print(
        `created ${record.role} key ${record.id} for tenant ${record.tenant} (${record.name}); keep it, it is not shown again:`,
      );
      print(key);
    } else if (command.command === 'list') {
      const rows = await keys.list(command.tenant);
      print(keysTable(rows.map((row) => ({ ...row, prefix: row.keyPrefix }))));
    } else {
      const revoked = await keys.revoke(command.id);
      if (!revoked) throw new Error(`There is no API key with id ${command.id}.`);
      print(`revoked ${revoked.id} (${revoked.tenant}, ${revoked.name})`);
    }
  } finally {
    await context.close();
  }
}

function print(text: string): void {
  process.stdout.write(`${text}\n`);
}

main(process.argv.slice(2)).catch((error: unknown) => {
  process.stderr.write(`keys: ${error instanceof Error ? error.message : String(error)}\n`);
  process.exitCode = 1;
});
