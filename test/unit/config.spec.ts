import { mkdtemp, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { ConfigError, loadConfig } from '../../src/config/load-config.js';

describe('loadConfig', () => {
  it('applies the documented defaults when nothing is set', () => {
    const config = loadConfig({}, null);
    expect(config.port).toBe(3000);
    expect(config.host).toBe('0.0.0.0');
    expect(config.role).toBe('all');
    expect(config.database.url).toBeUndefined();
    expect(config.dataDir).toBe(path.resolve('.data'));
    expect(config.logLevel).toBe('info');
    expect(config.shutdownGraceMs).toBe(10_000);
    expect(config.database.runMigrations).toBe(true);
  });

  it('converts numbers and booleans from their string form', () => {
    const config = loadConfig(
      { PORT: '8080', MIGRATIONS_RUN: 'false', HEALTH_MAX_HEAP_MB: '64' },
      null,
    );
    expect(config.port).toBe(8080);
    expect(config.database.runMigrations).toBe(false);
    expect(config.health.maxHeapBytes).toBe(64 * 1024 * 1024);
  });

  it('treats an empty value as unset', () => {
    expect(loadConfig({ PORT: '', DATABASE_URL: '  ' }, null).port).toBe(3000);
  });

  it('names the variable, the rule and the value it got', () => {
    expect(() => loadConfig({ PORT: 'abc' }, null)).toThrow(ConfigError);
    expect(() => loadConfig({ PORT: 'abc' }, null)).toThrow(
      /PORT .*must be an integer number.*\(got "abc"\)/,
    );
    expect(() => loadConfig({ ROLE: 'boss' }, null)).toThrow(
      /ROLE must be one of the following values: all, api, worker \(got "boss"\)/,
    );
  });

  it('reports every bad variable in one message', () => {
    expect(() => loadConfig({ PORT: '70000', LOG_LEVEL: 'loud' }, null)).toThrow(
      /^Invalid configuration: PORT must not be greater than 65535 \(got "70000"\); LOG_LEVEL must be one of/,
    );
  });

  it('wants WORKERS_GONE_AFTER_MS at least twice WORKERS_HEARTBEAT_MS, so one late beat is no death', () => {
    const config = loadConfig({ WORKERS_HEARTBEAT_MS: '200', WORKERS_GONE_AFTER_MS: '400' }, null);
    expect(config.workers).toEqual({ heartbeatMs: 200, goneAfterMs: 400 });
    expect(() => loadConfig({ WORKERS_HEARTBEAT_MS: '40000' }, null)).toThrow(
      /^Invalid configuration: WORKERS_GONE_AFTER_MS must be at least twice WORKERS_HEARTBEAT_MS \(its default, 60000\)$/,
    );
    expect(() => loadConfig({ WORKERS_GONE_AFTER_MS: '15000' }, null)).toThrow(
      /WORKERS_GONE_AFTER_MS must be at least twice WORKERS_HEARTBEAT_MS \(got "15000"\)/,
    );
  });

  it('never repeats a database URL, which carries a password, in its message', () => {
    let message = '';
    try {
      loadConfig({ DATABASE_URL: 'mysql://user:hunter2@db/app' }, null);
    } catch (error) {
      message = (error as Error).message;
    }
    expect(message).toContain('DATABASE_URL must be a postgres:// or postgresql:// URL');
    expect(message).not.toContain('hunter2');
  });

  it('reads a .env file, with the process environment taking precedence', async () => {
    const dir = await mkdtemp(path.join(tmpdir(), 'taskyard-config-'));
    const file = path.join(dir, '.env');
    await writeFile(file, 'PORT=4000\nROLE=worker\n');
    const config = loadConfig({ ROLE: 'api' }, file);
    expect(config.port).toBe(4000);
    expect(config.role).toBe('api');
    expect(config.runsApi).toBe(true);
    expect(config.runsWorker).toBe(false);
  });
});
