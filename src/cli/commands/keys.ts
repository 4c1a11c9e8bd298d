import type { Command } from 'commander';
import type { ContextOf } from '../context.js';
import { keysTable } from '../keys-table.js';
import { print, printJson } from '../output.js';

/** API keys through the admin routes (admin keys only). */
export function addKeysCommands(program: Command, contextOf: ContextOf): void {
  const keys = program
    .command('keys')
    .description('API keys (admin keys only; `npm run keys` works on the database directly)');

  keys
    .command('create')
    .description('create a key; it is shown once, alone on the last line')
    .requiredOption('--tenant <tenant>', 'the tenant the key belongs to')
    .requiredOption('--name <name>', 'what the key is for')
    .option('--admin', 'an admin key (sees every tenant, reaches the admin routes)')
    .action(async (flags: { tenant: string; name: string; admin?: boolean }, command: Command) => {
      const context = contextOf(command);
      const client = await context.client();
      const role = flags.admin ? 'admin' : 'user';
      const created = await client.createKey(
        { tenant: flags.tenant, name: flags.name, role },
        { signal: context.signal },
      );
      if (context.json) return printJson(created);
      print(
        `created ${created.role} key ${created.id} for tenant ${created.tenant} (${created.name}); keep it, it is not shown again:`,
      );
      print(created.key);
    });

  keys
    .command('list')
    .description('every key: id, prefix, tenant, name, role, created, last used, revoked')
    .option('--tenant <tenant>', "only this tenant's keys")
    .action(async (flags: { tenant?: string }, command: Command) => {
      const context = contextOf(command);
      const client = await context.client();
      const list = await client.listKeys(flags.tenant ? { tenant: flags.tenant } : {}, {
        signal: context.signal,
      });
      if (context.json) printJson(list);
      else print(keysTable(list));
    });

  keys
    .command('revoke')
    .description('revoke a key: it is refused from now on')
    .argument('<id>', 'the key id (from keys list)')
    .action(async (id: string, _flags: object, command: Command) => {
      const context = contextOf(command);
      const client = await context.client();
      await client.revokeKey(id, { signal: context.signal });
      if (context.json) printJson({ id, revoked: true });
      else print(`revoked ${id}`);
    });
}
