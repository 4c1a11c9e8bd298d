import { stat } from 'node:fs/promises';
import path from 'node:path';
import { type Command, Option } from 'commander';
import type { ContextOf } from '../context.js';
import { createDisplay } from '../display.js';
import { CliError, EXIT } from '../errors.js';
import { type FollowFlags, finishCommand } from '../follow.js';
import { jsonArgument, jsonObjectArgument } from '../json-input.js';

interface CreateFlags extends FollowFlags {
  options?: string;
  idempotencyKey?: string;
  concurrencyKey?: string;
  callbackUrl?: string;
}

/**
 * The flags `submit` and `run` share: options, idempotency and concurrency keys, callback URL,
 * following.
 */
function withCreateFlags(command: Command): Command {
  return command
    .option('--options <json>', "the type's options as JSON, or @FILE to read them from a file")
    .option('--idempotency-key <key>', 'the same key again answers with the same task')
    .option('--concurrency-key <key>', 'never two running tasks of yours with this key at once')
    .option('--callback-url <url>', "POST the task's terminal events to this URL, signed")
    .option('--follow', "show the task's progress live until it ends, then its result")
    .addOption(
      new Option('--cancel-on-exit', 'with --follow: Ctrl-C cancels the task').implies({
        follow: true,
      }),
    );
}

export function addSubmitCommands(program: Command, contextOf: ContextOf): void {
  withCreateFlags(
    program
      .command('submit')
      .description('upload a file and create a task that processes it (e.g. csv.import)')
      .argument('<file>', 'the file to upload')
      .requiredOption('--type <type>', 'the task type, e.g. csv.import or text.analyze'),
  ).action(async (file: string, flags: CreateFlags & { type: string }, command: Command) => {
    const context = contextOf(command);
    const options = await jsonObjectArgument(flags.options, '--options');
    const size = await fileSize(file);
    const client = await context.client();
    const display = createDisplay(context.displayMode, path.basename(file));
    const upload = client.submitFile(
      file,
      { type: flags.type, ...(options ? { options } : {}), ...specFlags(flags) },
      {
        signal: context.signal,
        idempotencyKey: flags.idempotencyKey,
        onUploadProgress: (p) =>
          display.uploadProgress({ loaded: p.loaded, total: p.total ?? size }),
      },
    );
    const task = await upload.catch((error: unknown) => {
      display.stop();
      throw error;
    });
    await finishCommand(context, client, task, display, flags);
  });

  withCreateFlags(
    program
      .command('run')
      .description('create a task from a JSON payload (e.g. echo, sleep)')
      .argument('<type>', 'the task type')
      .option('--payload <json>', 'the payload as JSON, or @FILE to read it from a file'),
  ).action(async (type: string, flags: CreateFlags & { payload?: string }, command: Command) => {
    const context = contextOf(command);
    const payload = await jsonArgument(flags.payload, '--payload');
    const options = await jsonObjectArgument(flags.options, '--options');
    const client = await context.client();
    const task = await client.createTask(
      {
        type,
        ...(payload === undefined ? {} : { payload }),
        ...(options ? { options } : {}),
        ...specFlags(flags),
      },
      { signal: context.signal, idempotencyKey: flags.idempotencyKey },
    );
    await finishCommand(context, client, task, createDisplay(context.displayMode), flags);
  });
}

function specFlags(flags: CreateFlags): { concurrencyKey?: string; callbackUrl?: string } {
  const { concurrencyKey, callbackUrl } = flags;
  return {
    ...(concurrencyKey === undefined ? {} : { concurrencyKey }),
    ...(callbackUrl === undefined ? {} : { callbackUrl }),
  };
}

/** The file's size, or one line saying why it cannot be sent. */
async function fileSize(file: string): Promise<number> {
  try {
    const info = await stat(file);
    if (!info.isFile()) throw new CliError(`${file} is not a file`, EXIT.usage);
    return info.size;
  } catch (error) {
    if (error instanceof CliError) throw error;
    const code = (error as NodeJS.ErrnoException).code;
    throw new CliError(`cannot read ${file}: ${code === 'ENOENT' ? 'no such file' : code}`);
  }
}
