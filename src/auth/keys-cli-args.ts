import { parseArgs } from 'node:util';
import { TENANT_PATTERN } from './api-key.js';

/** A command line the keys CLI can run. */
export type KeysCommand =
  | { command: 'create'; tenant: string; name: string; admin: boolean }
  | { command: 'list'; tenant?: string }
  | { command: 'revoke'; id: string }
  | { command: 'help'; text: string };

/** A command line it cannot run: the message, and the help text to print after it. Exit 2. */
export class UsageError extends Error {
  override readonly name = 'UsageError';
  constructor(
    message: string,
    readonly usage: string,
  ) {
    super(message);
  }
}

interface CommandSpec {
  synopsis: string;
  summary: string;
  flags: [string, string][];
  options: Record<string, { type: 'string' | 'boolean' }>;
  positionals: string[];
}

const RUN = 'npm run keys --';

const COMMANDS: Record<'create' | 'list' | 'revoke', CommandSpec> = {
  create: {
    synopsis: 'create --tenant <tenant> --name <name> [--admin]',
    summary: 'Creates an API key and prints it alone on the last line (it is shown only once).',
    flags: [
      ['--tenant <tenant>', `the tenant the key belongs to (${TENANT_PATTERN.source})`],
      ['--name <name>', 'a label for the key, e.g. who or what uses it'],
      ['--admin', 'an admin key: sees every tenant and reaches /api/v1/admin'],
    ],
    options: { tenant: { type: 'string' }, name: { type: 'string' }, admin: { type: 'boolean' } },
    positionals: [],
  },
  list: {
    synopsis: 'list [--tenant <tenant>]',
    summary: 'Lists API keys (never the keys themselves) as a table, oldest first.',
    flags: [['--tenant <tenant>', 'only the keys of this tenant']],
    options: { tenant: { type: 'string' } },
    positionals: [],
  },
  revoke: {
    synopsis: 'revoke <id>',
    summary: 'Revokes an API key: it stops working within 5 seconds on every node.',
    flags: [['<id>', 'the id of the key, as `list` shows it']],
    options: {},
    positionals: ['id'],
  },
};

const HELP_FLAG = ['-h, --help', 'show this help'] as [string, string];

export const USAGE = [
  'usage:',
  ...Object.values(COMMANDS).map((spec) => `  ${RUN} ${spec.synopsis}`),
  `  ${RUN} help [command]`,
  '',
  'Manages API keys on the database the service uses: DATABASE_URL, or the embedded PostgreSQL',
  'in DATA_DIR (shared with a service running on it). `<command> --help` describes each command.',
].join('\n');

export function commandHelp(name: keyof typeof COMMANDS): string {
  const spec = COMMANDS[name];
  const flags = [...spec.flags, HELP_FLAG];
  const width = Math.max(...flags.map(([flag]) => flag.length));
  return [
    `usage: ${RUN} ${spec.synopsis}`,
    '',
    spec.summary,
    '',
    ...flags.map(([flag, text]) => `  ${flag.padEnd(width)}  ${text}`),
  ].join('\n');
}

function isCommand(name: string | undefined): name is keyof typeof COMMANDS {
  return name !== undefined && Object.hasOwn(COMMANDS, name);
}

/** Reads the command line; throws a UsageError for anything it cannot run. */
export function parseKeysArgs(argv: string[]): KeysCommand {
  const [first, ...rest] = argv;
  if (first === undefined || first === 'help' || first === '--help' || first === '-h') {
    const topic = first === 'help' ? rest[0] : undefined;
    if (topic === undefined) return { command: 'help', text: USAGE };
    if (!isCommand(topic)) throw new UsageError(`unknown command "${topic}"`, USAGE);
    return { command: 'help', text: commandHelp(topic) };
  }
  if (!isCommand(first)) {
    throw new UsageError(`unknown command "${first}"`, USAGE);
  }
  return parseCommand(first, rest);
}

function parseCommand(name: keyof typeof COMMANDS, args: string[]): KeysCommand {
  const spec = COMMANDS[name];
  const help = commandHelp(name);
  let parsed;
  try {
    parsed = parseArgs({
      args,
      strict: true,
      allowPositionals: true,
      options: { ...spec.options, help: { type: 'boolean', short: 'h' } },
    });
  } catch (error) {
    throw new UsageError(`${name}: ${firstLine(error)}`, help);
  }
  const positionals = parsed.positionals;
  const values: Record<string, string | boolean | undefined> = parsed.values;
  if (values.help) return { command: 'help', text: help };
  if (positionals.length > spec.positionals.length) {
    throw new UsageError(
      `${name}: unexpected argument "${positionals[spec.positionals.length]}"`,
      help,
    );
  }
  const tenant = values.tenant as string | undefined;
  if (tenant !== undefined && !TENANT_PATTERN.test(tenant)) {
    throw new UsageError(`${name}: --tenant must match ${TENANT_PATTERN.source}`, help);
  }
  if (name === 'create') {
    const keyName = values.name as string | undefined;
    if (!tenant || !keyName) throw new UsageError('create: --tenant and --name are required', help);
    return { command: 'create', tenant, name: keyName, admin: values.admin === true };
  }
  if (name === 'list') return { command: 'list', tenant };
  const id = positionals[0];
  if (!id) throw new UsageError('revoke: the id of the key is required', help);
  return { command: 'revoke', id };
}

/** parseArgs's messages run on with advice that names its own option syntax; keep the first line. */
function firstLine(error: unknown): string {
  const message = error instanceof Error ? error.message : String(error);
  return (message.split('\n')[0] ?? message).replace(/\. To specify a positional.*$/, '');
}
