import { mkdtemp, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { ConfigError, loadConfig } from '../../src/config/load-config.js';

/** The message of the ConfigError that `env` gets. */
function refusal(env: NodeJS.ProcessEnv): string {
  try {
    loadConfig(env, null);
  } catch (error) {
    return (error as Error).message;
  }
  throw new Error('the settings were accepted');
}

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

  it('lets claims wait for the WAL flush, off by default, and takes only synchronous_commit values', () => {
    expect(loadConfig({}, null).worker.claimsSynchronousCommit).toBe('off');
    const config = loadConfig({ WORKER_CLAIMS_SYNCHRONOUS_COMMIT: 'on' }, null);
    expect(config.worker.claimsSynchronousCommit).toBe('on');
    expect(refusal({ WORKER_CLAIMS_SYNCHRONOUS_COMMIT: 'on; DROP' })).toContain(
      'WORKER_CLAIMS_SYNCHRONOUS_COMMIT',
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

  it('keeps blobs on disk unless STORAGE=s3, which needs a bucket', () => {
    expect(loadConfig({}, null).storage.kind).toBe('local');
    expect(() => loadConfig({ STORAGE: 's3' }, null)).toThrow(
      /S3_BUCKET must be a bucket name .* with STORAGE=s3 \(its default, undefined\)/,
    );
    const { storage } = loadConfig(
      {
        STORAGE: 's3',
        S3_BUCKET: 'blobs',
        S3_ENDPOINT: 'http://minio:9000',
        S3_FORCE_PATH_STYLE: 'true',
      },
      null,
    );
    expect(storage).toEqual({
      kind: 's3',
      s3: {
        endpoint: 'http://minio:9000',
        region: 'us-east-1',
        bucket: 'blobs',
        credentials: undefined,
        forcePathStyle: true,
      },
    });
  });

  it('wants both S3 keys or neither, and never repeats the secret', () => {
    const s3 = { STORAGE: 's3', S3_BUCKET: 'blobs' };
    expect(() => loadConfig({ ...s3, S3_ACCESS_KEY_ID: 'AKIA1' }, null)).toThrow(
      /S3_SECRET_ACCESS_KEY must be set with S3_ACCESS_KEY_ID/,
    );
    let message = '';
    try {
      loadConfig({ ...s3, S3_SECRET_ACCESS_KEY: 'hunter2' }, null);
    } catch (error) {
      message = (error as Error).message;
    }
    expect(message).toContain('S3_ACCESS_KEY_ID must be set with S3_SECRET_ACCESS_KEY');
    expect(message).not.toContain('hunter2');
    const both = { ...s3, S3_ACCESS_KEY_ID: 'AKIA1', S3_SECRET_ACCESS_KEY: 'hunter2' };
    expect(loadConfig(both, null).storage.s3.credentials).toEqual({
      accessKeyId: 'AKIA1',
      secretAccessKey: 'hunter2',
    });
  });

  it('holds uploads to 5 GiB with STORAGE=s3, the most one copy in S3 moves', () => {
    const big = { MAX_UPLOAD_BYTES: String(6 * 1024 ** 3) };
    expect(loadConfig(big, null).files.maxUploadBytes).toBe(6 * 1024 ** 3);
    expect(() => loadConfig({ ...big, STORAGE: 's3', S3_BUCKET: 'blobs' }, null)).toThrow(
      /MAX_UPLOAD_BYTES must be at most 5368709120/,
    );
  });

  it('never repeats a database URL, which carries a password, in its message', () => {
    const message = refusal({ DATABASE_URL: 'mysql://user:hunter2@db/app' });
    expect(message).toContain('DATABASE_URL must be a postgres:// or postgresql:// URL');
    expect(message).not.toContain('hunter2');
  });

  it('wants a direct connection for LISTEN and migrations when DATABASE_URL leads to a transaction pooler', () => {
    const pooled = {
      DATABASE_URL: 'postgres://app@bouncer:6432/app',
      DATABASE_POOLER: 'transaction',
    };
    expect(() => loadConfig(pooled, null)).toThrow(
      /DATABASE_POOLER transaction needs DATABASE_LISTEN_URL/,
    );
    const direct = loadConfig(
      { ...pooled, DATABASE_LISTEN_URL: 'postgres://app:hunter2@db:5432/app' },
      null,
    );
    expect(direct.database).toMatchObject({ pooler: 'transaction', pollOnly: false });
    expect(() => loadConfig({ ...pooled, DATABASE_LISTEN_URL: 'none' }, null)).toThrow(
      /MIGRATIONS_RUN needs a direct connection/,
    );
    const pollOnly = loadConfig(
      { ...pooled, DATABASE_LISTEN_URL: 'none', MIGRATIONS_RUN: 'false' },
      null,
    );
    expect(pollOnly.database).toMatchObject({ pollOnly: true, listenUrl: undefined });
  });

  it('takes DATABASE_LISTEN_URL only beside DATABASE_URL, and never repeats it', () => {
    const message = refusal({ DATABASE_LISTEN_URL: 'postgres://app:hunter2@db/app' });
    expect(message).toContain('DATABASE_LISTEN_URL needs DATABASE_URL');
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
