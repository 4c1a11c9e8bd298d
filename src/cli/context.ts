import type { Command } from 'commander';
import { Taskyard } from '../client/index.js';
import { resolveSettings, type Settings } from './settings.js';

export interface GlobalFlags {
  url?: string;
  key?: string;
  json?: boolean;
}

/** What every command starts from: the global flags, and the signal Ctrl-C fires. */
export class CliContext {
  readonly json: boolean;

  constructor(
    readonly flags: GlobalFlags,
    readonly signal: AbortSignal,
  ) {
    this.json = flags.json === true;
  }

  /** A client for the service the settings name (read now, so that --help needs none). */
  async client(): Promise<Taskyard> {
    return clientFor(await resolveSettings(this.flags));
  }

  /** Bars in a terminal, plain lines in a pipe or file, nothing when printing JSON. */
  get displayMode(): 'bars' | 'lines' | 'none' {
    if (this.json) return 'none';
    return process.stdout.isTTY ? 'bars' : 'lines';
  }
}

export function clientFor(settings: Settings): Taskyard {
  return new Taskyard({ url: settings.url, key: settings.key });
}

export type ContextOf = (command: Command) => CliContext;
