import { existsSync, readFileSync } from 'node:fs';
import { plainToInstance } from 'class-transformer';
import { validateSync } from 'class-validator';
import { parse as parseDotenv } from 'dotenv';
import { AppConfig } from './app-config.js';
import { Environment } from './environment.js';
const SECRET_VARIABLES = new Set(['DATABASE_URL']);
export class ConfigError extends Error {
    name = 'ConfigError';
}
export function loadConfig(env = process.env, dotenvPath = '.env') {
    const fromFile = dotenvPath && existsSync(dotenvPath) ? parseDotenv(readFileSync(dotenvPath)) : {};
    const known = Object.keys(new Environment());
    const raw = {};
    for (const name of known) {
        const value = env[name] ?? fromFile[name];
        if (value !== undefined && value.trim() !== '')
            raw[name] = value.trim();
    }
    const parsed = plainToInstance(Environment, raw, { enableImplicitConversion: true });
    const errors = validateSync(parsed, { forbidUnknownValues: true });
    if (errors.length > 0) {
        throw new ConfigError(`Invalid configuration: ${errors.map((e) => describe(e, raw)).join('; ')}`);
    }
    return new AppConfig(parsed);
}
function describe(error, raw) {
    const name = error.property;
    const problems = Object.values(error.constraints ?? {})
        .map((message) => message.replace(new RegExp(`^${name} `), ''))
        .join(', ');
    const got = SECRET_VARIABLES.has(name) ? '' : ` (got ${JSON.stringify(raw[name])})`;
    return `${name} ${problems}${got}`;
}
//# sourceMappingURL=load-config.js.map