import type { ModuleMetadata, Type } from '@nestjs/common';
import type { FactoryProvider } from '@nestjs/common';
import type { Logger } from 'pino';
import type { AppConfig } from './config/app-config.js';
import { Environment, type Role } from './config/environment.js';
import { ConfigError, loadConfig } from './config/load-config.js';

/** Settings the options name on their own rather than in `settings`. */
type NamedSettings = 'DATABASE_URL' | 'DATABASE_SCHEMA' | 'ROLE';

/**
 * Every other setting, by the name of its environment variable, with the same default and the same
 * checks as in `.env.example`. Those of the HTTP service (PORT, HTTP_*, GATEWAY_*, auth, docs) have
 * no effect inside a host application, nor OTEL_*: Taskyard's spans go to the host's tracer provider.
 */
export type TaskyardSettings = {
  [Name in Exclude<keyof Environment, NamedSettings>]?: Environment[Name];
};

/** Where Taskyard keeps its state and how it behaves: what forRootAsync's factory returns. */
export interface TaskyardConnectionOptions {
  database: {
    /** postgres:// URL. The embedded PostgreSQL is the standalone service's: a host gives its own. */
    url: string;
    /** The PostgreSQL schema of Taskyard's tables (DATABASE_SCHEMA); default `taskyard`. */
    schema?: string;
  };
  settings?: TaskyardSettings;
}

/** What shapes the module graph, so it is known when the host's modules are put together. */
export interface TaskyardStructureOptions {
  /**
   * `all` (the default): enqueue and create tasks, and run the worker in this process; `worker`:
   * only run the worker; `api`: only enqueue and create (no worker). As ROLE, without HTTP: the
   * REST API and the Socket.IO gateway are the standalone service's.
   */
  role?: Role;
  /** Task processors (classes with @TaskProcessor) to provide inside Taskyard's own module. */
  processors?: Type[];
  /** echo, sleep, text.analyze, csv.import and batch; true by default. */
  builtInProcessors?: boolean;
  /** Where Taskyard's log lines go; by default a pino logger of its own at LOG_LEVEL. */
  logger?: Logger;
}

export interface TaskyardModuleOptions
  extends TaskyardConnectionOptions, TaskyardStructureOptions {}

export interface TaskyardModuleAsyncOptions
  extends TaskyardStructureOptions, Pick<ModuleMetadata, 'imports'> {
  inject?: FactoryProvider['inject'];
  useFactory: (...args: never[]) => TaskyardConnectionOptions | Promise<TaskyardConnectionOptions>;
}

const SETTING_NAMES = new Set(Object.keys(new Environment()));

/** The settings given as options of their own. */
const OWN_OPTIONS: Record<string, string> = {
  DATABASE_URL: 'database.url',
  DATABASE_SCHEMA: 'database.schema',
  ROLE: 'role',
};

/**
 * The settings of an embedded Taskyard, read like the environment (same defaults, same checks, same
 * one-line error naming each bad value). Throws ConfigError.
 */
export function configFromOptions(
  connection: TaskyardConnectionOptions,
  role: Role = 'all',
): AppConfig {
  const { url, schema } = connection.database;
  const variables: Record<string, string> = { DATABASE_URL: url, ROLE: role };
  if (schema !== undefined) variables.DATABASE_SCHEMA = schema;
  for (const [name, value] of Object.entries(connection.settings ?? {})) {
    if (name in OWN_OPTIONS) {
      throw new ConfigError(
        `Invalid configuration: ${name} is the option ${OWN_OPTIONS[name]}, not a setting`,
      );
    }
    if (!SETTING_NAMES.has(name)) {
      throw new ConfigError(`Invalid configuration: ${name} is not a Taskyard setting`);
    }
    if (value !== undefined) variables[name] = String(value);
  }
  return loadConfig(variables, null);
}
