import { execFile } from 'node:child_process';
import { existsSync } from 'node:fs';
import { chmod, mkdtemp, readFile, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import request from 'supertest';
import { isPostgresProcess } from '../../src/database/processes.js';
import { listeningPort, spawnService, type ServiceProcess } from '../support/service-process.js';

/** `npm start` with no DATABASE_URL: the service runs its own PostgreSQL under DATA_DIR. */
describe('the embedded PostgreSQL', () => {
  let dataDir: string;
  const running: ServiceProcess[] = [];

  const start = (): ServiceProcess => {
    const service = spawnService({
      DATA_DIR: dataDir,
      PORT: '0',
      HOST: '127.0.0.1',
      LOG_LEVEL: 'info',
    });
    running.push(service);
    return service;
  };
  const postmasterPid = async (): Promise<number> =>
    Number(
      (await readFile(path.join(dataDir, 'postgres', 'postmaster.pid'), 'utf8')).split('\n')[0],
    );

  beforeAll(async () => {
    dataDir = await mkdtemp(path.join(tmpdir(), 'taskyard-embedded-'));
    await chmod(dataDir, 0o755); // as root the server runs as "postgres", which must enter it
  });
  afterAll(async () => {
    for (const service of running) service.child.kill('SIGKILL');
    await rm(dataDir, { recursive: true, force: true });
  });

  it('starts cleanly after its previous owner was killed with -9, and stops with SIGTERM', async () => {
    const first = start();
    const firstPort = await listeningPort(first);
    await request(`http://127.0.0.1:${firstPort}`).get('/health/ready').expect(200);
    const orphan = await postmasterPid();

    first.child.kill('SIGKILL');
    await first.exited;
    expect(isPostgresProcess(orphan)).toBe(true); // left running, holding the cluster's lock

    const second = start();
    const secondPort = await listeningPort(second);
    await request(`http://127.0.0.1:${secondPort}`).get('/health/ready').expect(200);
    expect(second.lines.join('\n')).toContain(
      'stopping an embedded PostgreSQL left behind by a killed process',
    );
    expect(isPostgresProcess(orphan)).toBe(false);
    const current = await postmasterPid();

    second.child.kill('SIGTERM');
    expect(await second.exited).toEqual({ code: 0, signal: null });
    expect(isPostgresProcess(current)).toBe(false);
    expect(existsSync(path.join(dataDir, 'postgres', 'postmaster.pid'))).toBe(false);

    const messages = second.lines.map((line) => (JSON.parse(line) as { msg: string }).msg);
    const order = ['shutting down', 'embedded PostgreSQL stopped', 'shut down cleanly'].map((m) =>
      messages.indexOf(m),
    );
    expect(order.every((index) => index >= 0)).toBe(true);
    expect([...order].sort((a, b) => a - b)).toEqual(order);
  });

  it('keeps its data across restarts', async () => {
    const service = start();
    await listeningPort(service);
    const state = JSON.parse(await readFile(path.join(dataDir, 'postgres.json'), 'utf8')) as {
      initialised: boolean;
    };
    expect(state.initialised).toBe(true);
    expect(service.lines.join('\n')).not.toContain('creating the embedded PostgreSQL cluster');
    service.child.kill('SIGINT');
    expect((await service.exited).code).toBe(0);
  });

  it('printed one admin key at the first start only; the keys CLI shares the running server', async () => {
    const firstStart = running[0]?.lines.join('\n') ?? '';
    const announced = /admin key was created\. Keep it, it is not shown again: (ty_[\w-]{43})/.exec(
      firstStart,
    );
    expect(announced).not.toBeNull();
    expect(running.slice(1).some((s) => s.lines.join('\n').includes('admin key was created'))).toBe(
      false,
    );

    const service = start();
    const port = await listeningPort(service);
    const api = request(`http://127.0.0.1:${port}`);
    await api
      .get('/api/v1/admin/keys')
      .set('Authorization', `Bearer ${announced?.[1]}`)
      .expect(200);
    const server = await postmasterPid();

    const cli = await runKeysCli(['create', '--tenant', 'acme', '--name', 'cli'], dataDir);
    expect(cli.code).toBe(0);
    const key = cli.stdout.trimEnd().split('\n').at(-1) ?? '';
    expect(key).toMatch(/^ty_[\w-]{43}$/);
    // Same server, still up after the command: it was shared, not started or stopped.
    expect(await postmasterPid()).toBe(server);
    expect(isPostgresProcess(server)).toBe(true);
    const listed = await api.get('/api/v1/tasks').set('Authorization', `Bearer ${key}`).expect(200);
    expect(listed.body).toEqual({ items: [], nextCursor: null });
    service.child.kill('SIGTERM');
    expect((await service.exited).code).toBe(0);
  });
});

/** `npm run keys -- …` as built, with only the settings a user would have. */
function runKeysCli(
  args: string[],
  dataDir: string,
): Promise<{ code: number | null; stdout: string; stderr: string }> {
  return new Promise((resolve) => {
    execFile(
      process.execPath,
      [fileURLToPath(new URL('../../dist/auth/keys-cli.js', import.meta.url)), ...args],
      { env: { PATH: process.env.PATH ?? '', HOME: process.env.HOME ?? '', DATA_DIR: dataDir } },
      (error, stdout, stderr) =>
        resolve({ code: error ? (error.code as number) : 0, stdout, stderr }),
    );
  });
}

describe('start-up with a bad setting', () => {
  it('exits non-zero with one message naming the variable', async () => {
    const service = spawnService({
      PORT: 'eighty',
      DATABASE_URL: 'postgres://nobody@127.0.0.1:1/none',
    });
    const { code } = await service.exited;
    expect(code).toBe(1);
    expect(service.lines).toEqual([
      'Invalid configuration: PORT must not be greater than 65535, must not be less than 0, must be an integer number (got "eighty")',
    ]);
  });
});
