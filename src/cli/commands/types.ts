import type { Command } from 'commander';
import type { TaskType } from '../../client/index.js';
import type { ContextOf } from '../context.js';
import { print, printJson, table } from '../output.js';

/** The task types the service runs (--json: with the JSON Schema of each one's options). */
export function addTypesCommand(program: Command, contextOf: ContextOf): void {
  program
    .command('types')
    .description('the task types the service runs: their input and options')
    .action(async (_flags: object, command: Command) => {
      const context = contextOf(command);
      const client = await context.client();
      const types = await client.taskTypes({ signal: context.signal });
      if (context.json) printJson(types);
      else print(typesTable(types));
    });
}

function typesTable(types: TaskType[]): string {
  return table(
    ['type', 'input', 'media types', 'options'],
    types.map((t) => [t.type, t.input, mediaTypes(t), optionNames(t.options)]),
  );
}

function mediaTypes(type: TaskType): string {
  if (type.input === 'payload') return '-';
  return type.mediaTypes.length > 0 ? type.mediaTypes.join(', ') : 'any';
}

/** The option names, a required one marked with `*`; "-" for none. */
function optionNames(schema: Record<string, unknown>): string {
  const names = Object.keys(schema.properties ?? {});
  const required = (schema.required ?? []) as string[];
  return names.map((name) => (required.includes(name) ? `${name}*` : name)).join(', ') || '-';
}
