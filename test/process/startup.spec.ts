import { execFile } from 'node:child_process';
import { existsSync } from 'node:fs';
import { chmod, mkdtemp, rm, writeFile } from 'node:fs/promises';
import { createServer, type Server } from 'node:net';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import request from 'supertest';
import { bearer } from '../support/auth.js';
import { createTestDatabase, type TestDatabase } from '../support/database.js';
import { listeningPort, spawnService, type ServiceProcess } from '../support/service-process.js';

type LogLine = Record<string, unknown> & { level: number; msg: string };

const MAIN = fileURLToPath(new URL('../../dist/main.js', import.meta.url));
/** A stack frame, as Node prints them: what a start-up failure must never show. */
const STACK_FRAME = /^\s+at .+:\d+:\d+\)?$|"stack":/;

const parse = (line: string): LogLine | undefined => {
  try {
    return JSON.parse(line) as LogLine;
  } catch {
    return undefined;
  }
};

describe('start-up and shutdown, as a new user meets them', () => {
  let database: TestDatabase;
  let scratch: string;
  const running: ServiceProcess[] = [];
  const start = (env: Record<string, string>, detached = false): ServiceProcess => {
    const service = spawnService(
      { PORT: '0', HOST: '127.0.0.1', LOG_LEVEL: 'info', ...env },
      'main',
      { detached },
    );
    running.push(service);
    return service;
  };

  const failure = async (env: Record<string, string>): Promise<string> => {
    const service = start(env);
    const { code } = await service.exited;
    expect(code).toBe(1);
    expect(service.lines.filter((line) => STACK_FRAME.test(line))).toEqual([]);
    const plain = service.lines.filter((line) => !parse(line));
    expect(plain).toHaveLength(1);
    return plain[0] ?? '';
  };

  beforeAll(async () => {
    database = await createTestDatabase();
    scratch = await mkdtemp(path.join(tmpdir(), 'taskyard-startup-'));
    await chmod(scratch, 0o755); // as root the embedded server runs as "postgres"
  });
  afterAll(async () => {
    for (const service of running) service.child.kill('SIGKILL');
    await database.drop();
    await rm(scratch, { recursive: true, force: true });
  });

  it('with DATABASE_URL, makes a DATA_DIR that does not exist yet and becomes ready', async () => {
    const dataDir = path.join(scratch, 'fresh', 'data');
    const service = start({ DATABASE_URL: database.url, DATA_DIR: dataDir });
    const port = await listeningPort(service);
    const ready = await request(`http://127.0.0.1:${port}`).get('/health/ready');
    expect(ready.status).toBe(200);
    expect(existsSync(dataDir)).toBe(true);
    service.child.kill('SIGTERM');
    expect((await service.exited).code).toBe(0);
  });

  it('logs no Nest boot chatter at info, and one short access line per request', async () => {
    const service = start({
      DATABASE_URL: database.url,
      DATA_DIR: path.join(scratch, 'access'),
      ADMIN_API_KEY: 'ty_startup-admin-key-0123456789',
    });
    const port = await listeningPort(service);
    await request(`http://127.0.0.1:${port}`)
      .get('/api/v1/tasks?limit=1')
      .set(bearer('ty_startup-admin-key-0123456789'))
      .expect(200);
    const line = await service.waitForLine(/"msg":"GET \/api\/v1\/tasks\?limit=1 200 \d+ms"/);
    const access = parse(line);
    expect(Object.keys(access ?? {}).sort()).toEqual(
      [
        'level',
        'time',
        'pid',
        'reqId',
        'method',
        'path',
        'url',
        'route',
        'status',
        'ms',
        'tenant',
        'msg',
      ].sort(),
    );
    expect(access).toMatchObject({ method: 'GET', path: '/api/v1/tasks', status: 200 });
    expect(access?.route).toBe('/api/v1/tasks');
    // The query as sent: only credential-like parameters are redacted (test/e2e/log-redaction).
    expect(access?.url).toBe('/api/v1/tasks?limit=1');
    const boot = service.lines.filter((l) =>
      /InstanceLoader|RouterExplorer|RoutesResolver/.test(l),
    );
    expect(boot).toEqual([]);
    service.child.kill('SIGTERM');
    expect((await service.exited).code).toBe(0);
  });

  describe('a start-up failure prints one line saying what failed and what to do, and exits 1', () => {
    it.each(['api', 'worker'])('an unreachable database (ROLE=%s)', async (role) => {
      const line = await failure({
        ROLE: role,
        DATABASE_URL: 'postgres://nobody:hunter2@127.0.0.1:1/none',
        DATABASE_CONNECT_TIMEOUT_MS: '500',
        DATA_DIR: path.join(scratch, `unreachable-${role}`),
      });
      expect(line).toMatch(
        /^Taskyard could not start: cannot use the database at 127\.0\.0\.1:1\/none: .*ECONNREFUSED.*check DATABASE_URL/,
      );
      expect(line).not.toContain('hunter2');
    });

    it('a DATA_DIR that cannot be created', async () => {
      const file = path.join(scratch, 'a-file');
      await writeFile(file, 'not a folder');
      const line = await failure({
        DATABASE_URL: database.url,
        DATA_DIR: path.join(file, 'data'),
      });
      expect(line).toBe(
        `Taskyard could not start: DATA_DIR ${path.join(file, 'data')} cannot be created or written (ENOTDIR): give this user write access to it, or set DATA_DIR to another folder`,
      );
    });

    it('a port in use', async () => {
      const taken = await occupyPort();
      try {
        const port = (taken.address() as { port: number }).port;
        const line = await failure({
          DATABASE_URL: database.url,
          DATA_DIR: path.join(scratch, 'port'),
          PORT: String(port),
        });
        expect(line).toBe(
          `Taskyard could not start: port ${port} on 127.0.0.1 is already in use: stop what listens there, or set PORT to another port (0 picks a free one)`,
        );
      } finally {
        taken.close();
      }
    });
  });

  it('Ctrl-C in a terminal (SIGINT to the whole process group) shuts down quietly and cleanly', async () => {
    const service = start({ DATA_DIR: path.join(scratch, 'ctrl-c') }, true);
    await listeningPort(service);
    const pid = service.child.pid ?? 0;
    process.kill(-pid, 'SIGINT'); // what a terminal does: the group, postgres children included
    expect(await service.exited).toEqual({ code: 0, signal: null });
    const shutdown = service.lines.slice(
      service.lines.findIndex((line) => line.includes('shutting down')),
    );
    expect(shutdown.map((line) => parse(line)?.msg)).toContain('shut down cleanly');
    const loud = shutdown.filter((line) => (parse(line)?.level ?? 60) >= 40);
    expect(loud).toEqual([]);
  });

  it('in a terminal: readable lines, and a banner with the URLs and the first admin key', async () => {
    const fresh = await createTestDatabase();
    try {
      const output = await inTerminal(
        { DATABASE_URL: fresh.url, DATA_DIR: path.join(scratch, 'tty'), PORT: '0' },
        /curl -H "Authorization: Bearer ty_/,
      );
      expect(output).toMatch(/Taskyard is running \(role all\)/);
      expect(output).toMatch(/API\s+http:\/\/localhost:\d+\/api\/v1/);
      expect(output).toMatch(/Docs\s+http:\/\/localhost:\d+\/docs/);
      expect(output).toMatch(/Admin key\s+ty_[\w-]{43}/);
      expect(output).not.toMatch(/^\{"level"/m); // not JSON
      expect(output).toMatch(/INFO.*Taskyard listening on/);
    } finally {
      await fresh.drop();
    }
  });
});

function occupyPort(): Promise<Server> {
  return new Promise((resolve) => {
    const server = createServer();
    server.listen(0, '127.0.0.1', () => resolve(server));
  });
}

/**
 * Runs the service under a pseudo-terminal (util-linux `script`), as `npm start` in a terminal
 * does, until `until` shows up in its output. Then `script` is killed: the terminal closes and the
 * service, sent SIGHUP, shuts down.
 */
function inTerminal(env: Record<string, string>, until: RegExp): Promise<string> {
  return new Promise((resolve, reject) => {
    let output = '';
    const child = execFile(
      'script',
      ['-qfec', `${JSON.stringify(process.execPath)} ${JSON.stringify(MAIN)}`, '/dev/null'],
      { env: { PATH: process.env.PATH ?? '', HOME: process.env.HOME ?? '', TERM: 'dumb', ...env } },
    );
    const timer = setTimeout(() => {
      child.kill('SIGKILL');
      reject(new Error(`no ${until} in:\n${output}`));
    }, 45_000);
    child.stdout?.on('data', (chunk: Buffer) => {
      output += chunk.toString('utf8');
      if (!until.test(output)) return;
      clearTimeout(timer);
      child.kill('SIGKILL');
      // eslint-disable-next-line no-control-regex
      resolve(output.replace(/\u001b\[[0-9;]*m/g, '').replaceAll('\r', ''));
    });
  });
}
