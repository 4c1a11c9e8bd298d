import { existsSync, readFileSync } from 'node:fs';
import { plainToInstance } from 'class-transformer';
import { validateSync, type ValidationError } from 'class-validator';
import { parse as parseDotenv } from 'dotenv';
import { AppConfig } from './app-config.js';
import { Environment } from './environment.js';

/** Variables whose values must never appear in an error message or a log line. */
const SECRET_VARIABLES = new Set([
  'DATABASE_URL',
  'DATABASE_LISTEN_URL',
  'ADMIN_API_KEY',
  'S3_SECRET_ACCESS_KEY',
]);

export class ConfigError extends Error {
  override readonly name = 'ConfigError';
}

/**
 * Reads the settings once, at start-up: variables in `env` win over those in the `.env` file.
 * Empty values count as unset. Throws a ConfigError naming every bad variable.
 */
export function loadConfig(
  env: NodeJS.ProcessEnv = process.env,
  dotenvPath: string | null = '.env',
): AppConfig {
  const fromFile =
    dotenvPath && existsSync(dotenvPath) ? parseDotenv(readFileSync(dotenvPath)) : {};
  const known = Object.keys(new Environment());
  const raw: Record<string, string> = {};
  for (const name of known) {
    const value = env[name] ?? fromFile[name];
    if (value !== undefined && value.trim() !== '') raw[name] = value.trim();
  }

  const parsed = plainToInstance(Environment, raw, { enableImplicitConversion: true });
  const errors = validateSync(parsed, { forbidUnknownValues: true });
  if (errors.length > 0) {
    throw new ConfigError(
      `Invalid configuration: ${errors.map((e) => describe(e, raw)).join('; ')}`,
    );
  }
  return new AppConfig(parsed);
}

function describe(error: ValidationError, raw: Record<string, string>): string {
  const name = error.property;
  const problems = Object.values(error.constraints ?? {})
    // class-validator starts each message with the property name; it is said once, in front.
    .map((message) => message.replace(new RegExp(`^${name} `), ''))
    .join(', ');
  // A default can fail too, against another setting's value (WORKERS_GONE_AFTER_MS).
  const got = SECRET_VARIABLES.has(name)
    ? ''
    : name in raw
      ? ` (got ${JSON.stringify(raw[name])})`
      : ` (its default, ${JSON.stringify(error.value)})`;
  return `${name} ${problems}${got}`;
}
