import { execFile } from 'node:child_process';
import { randomUUID } from 'node:crypto';
import { chmod, cp, mkdtemp, readFile, rm, symlink, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { createTestDatabase, type TestDatabase } from '../support/database.js';
import { listeningPort, spawnService, type ServiceProcess } from '../support/service-process.js';

const ROOT = fileURLToPath(new URL('../..', import.meta.url));
const ADMIN_KEY = 'ty_readme-admin-key-0123456789abcdef';

interface Run {
  code: number;
  stdout: string;
  stderr: string;
}

/** The fenced blocks of one README section, by language. */
async function readmeBlocks(heading: string, language: string): Promise<string[]> {
  const readme = await readFile(path.join(ROOT, 'README.md'), 'utf8');
  const start = readme.indexOf(`\n## ${heading}\n`);
  expect(start).toBeGreaterThan(-1);
  const section = readme.slice(start + 1).split(/\n## /)[0] ?? '';
  return [...section.matchAll(new RegExp(`\`\`\`${language}\\n([\\s\\S]*?)\`\`\``, 'g'))].map(
    (match) => match[1] ?? '',
  );
}

function run(command: string, args: string[], cwd: string, env: Record<string, string> = {}) {
  return new Promise<Run>((resolve) => {
    execFile(
      command,
      args,
      {
        cwd,
        env: { PATH: process.env.PATH ?? '', HOME: process.env.HOME ?? '', ...env },
        timeout: 90_000,
      },
      (error, stdout, stderr) =>
        resolve({ code: error ? Number(error.code ?? 1) : 0, stdout, stderr }),
    );
  });
}

const squash = (text: string): string => text.replace(/\s+/g, ' ').trim();

/** The README's examples, run as written against a started service, so they cannot drift. */
describe('the README', () => {
  let database: TestDatabase;
  let service: ServiceProcess;
  let base: string;
  let workDir: string;

  const follow = (url: string, key: string, taskId: string): Promise<Run> =>
    run(process.execPath, ['examples/follow-task.mjs', url, key, taskId], workDir);

  beforeAll(async () => {
    database = await createTestDatabase();
    workDir = await mkdtemp(path.join(tmpdir(), 'taskyard-readme-'));
    await chmod(workDir, 0o755);
    // The session runs "in this folder": a checkout, here one of links to this one's parts.
    for (const part of ['examples', 'package.json', 'dist', 'node_modules']) {
      await symlink(path.join(ROOT, part), path.join(workDir, part));
    }
    // Copies, not links: scripts/build-if-stale.mjs (run by `npx taskyard`, `npm run db:url`)
    // rebuilds the checkout it sits in, and this one has no src/ to build from.
    for (const part of ['bin', 'scripts']) {
      await cp(path.join(ROOT, part), path.join(workDir, part), { recursive: true });
    }
    service = spawnService({
      DATABASE_URL: database.url,
      ADMIN_API_KEY: ADMIN_KEY,
      DATA_DIR: path.join(workDir, 'data'),
      PORT: '0',
      HOST: '127.0.0.1',
    });
    base = `http://127.0.0.1:${await listeningPort(service)}`;
  });
  afterAll(async () => {
    service?.child.kill('SIGTERM');
    await service?.exited;
    await database.drop();
    await rm(workDir, { recursive: true, force: true });
  });

  it('runs its shell session as written: import, follow live, result, rows, rejects, events, psql', async () => {
    const [session, psql] = await readmeBlocks('Tasks in five minutes', 'bash');
    const hasPsql = (await run('sh', ['-c', 'command -v psql'], workDir)).code === 0;
    // psql is a separate install (the README says so): its part runs where it is installed.
    const script = `${session ?? ''}\n${hasPsql ? (psql ?? 'missing psql block') : ''}`
      .replace(/^KEY=ty_\.\.\./m, `KEY=${ADMIN_KEY}`)
      .replaceAll('http://localhost:3000', base);
    expect(script).toContain(`KEY=${ADMIN_KEY}`);
    const result = await run('bash', ['--norc', '-eo', 'pipefail', '-c', script], workDir, {
      DATABASE_URL: database.url,
    });
    expect(result.stderr).toBe('');
    expect(result.code).toBe(0);
    const out = result.stdout;
    // followTask's lines: "<seq> <kind> <data>", from created to succeeded
    expect(out).toMatch(/^1 created /m);
    expect(out).toMatch(/^\d+ succeeded \{.*"rowsLoaded":2/m);
    expect(out).toMatch(/^succeeded$/m);
    expect(out).toMatch(/"table": "imports\.\\"task_[0-9a-f]{32}\\""/);
    expect(out).toContain('"name": "Ada Lovelace"');
    expect(out).toContain('4,"column ""id"": ""x"" is not an int","x,Nobody,someday"');
    expect(out).toMatch(/"kind": ?"succeeded"/);
    if (hasPsql) expect(out).toMatch(/^\s*_line \| id \|\s+name\s+\|\s+born\s*$/m);
  });

  it('shows the loop that examples/follow-task.mjs runs', async () => {
    const [snippet] = await readmeBlocks('Tasks in five minutes', 'js');
    const example = await readFile(path.join(ROOT, 'examples', 'follow-task.mjs'), 'utf8');
    expect(squash(example)).toContain(squash(snippet ?? 'missing'));
  });

  it('runs its SDK program, examples/sdk-session.mjs, as the README shows it', async () => {
    const [program] = await readmeBlocks('The SDK', 'js');
    const [command] = await readmeBlocks('The SDK', 'bash');
    const example = await readFile(path.join(ROOT, 'examples', 'sdk-session.mjs'), 'utf8');
    expect(squash(example)).toContain(squash(program ?? 'missing'));
    // The people.csv of the shell session above
    const csv =
      'id,name,born\n1,Ada Lovelace,1815-12-10\n2,Alan Turing,1912-06-23\nx,Nobody,someday\n';
    await writeFile(path.join(workDir, 'people.csv'), csv);
    const script = (command ?? 'missing').replaceAll('http://localhost:3000', base);
    const result = await run('bash', ['--norc', '-eo', 'pipefail', '-c', script], workDir, {
      KEY: ADMIN_KEY,
    });
    expect(result.stderr).toBe('');
    expect(result.code).toBe(0);
    const lines = result.stdout.trim().split('\n');
    expect(lines[0]).toBe(`uploaded ${csv.length} of ${csv.length} bytes`);
    expect(lines.slice(1, 3)).toEqual(['created', 'started']);
    expect(result.stdout).toMatch(
      /^succeeded\nsucceeded: 2 rows loaded into imports\."task_[0-9a-f]{32}"\n/m,
    );
    expect(lines.at(-1)).toMatch(/^rejects\.csv: 1 rows, \d+ bytes$/);
    const rejects = await readFile(path.join(workDir, 'rejects.csv'), 'utf8');
    expect(rejects).toContain('4,"column ""id"": ""x"" is not an int","x,Nobody,someday"');
  });

  it('runs the quick start CLI lines as written: login, then a CSV submitted and followed to its result', async () => {
    const blocks = await readmeBlocks('Quick start', 'bash');
    const lines = blocks.find((block) => block.includes('npx taskyard')) ?? 'missing';
    const script = lines
      .replace('--key ty_...', `--key ${ADMIN_KEY}`)
      .replaceAll('http://localhost:3000', base);
    expect(script).toContain(`--key ${ADMIN_KEY}`);
    const config = await mkdtemp(path.join(tmpdir(), 'taskyard-readme-config-'));
    const result = await run('bash', ['--norc', '-eo', 'pipefail', '-c', script], workDir, {
      XDG_CONFIG_HOME: config,
      npm_config_update_notifier: 'false',
    });
    await rm(config, { recursive: true, force: true });
    expect(result.stderr).toBe('');
    expect(result.code).toBe(0);
    const out = result.stdout.trimEnd().split('\n');
    expect(out[0]).toBe(`logged in to ${base}; saved in ${config}/taskyard/config.json`);
    expect(out[1]).toMatch(/^uploaded people\.csv: 64 B, /);
    expect(out[2]).toMatch(/^task [0-9a-f-]{36} \(csv\.import\) queued$/);
    expect(result.stdout).toMatch(/^succeeded in [\d.]+ s\nresult:\n/m);
    expect(out).toContainEqual(expect.stringMatching(/^ {2}rowsLoaded +2$/));
  });

  describe('examples/follow-task.mjs says why it cannot follow, and exits 1', () => {
    it('a wrong key', async () => {
      const result = await follow(base, 'ty_not-a-key-at-all-000000000000', randomUUID());
      expect(result.code).toBe(1);
      expect(result.stderr).toMatch(/^follow-task: .*API key/im);
    });

    it('a task that does not exist', async () => {
      const result = await follow(base, ADMIN_KEY, randomUUID());
      expect(result.code).toBe(1);
      expect(result.stderr).toMatch(/^follow-task: There is no task with id/m);
    });

    it('a URL that is not the service root', async () => {
      const result = await follow(`${base}/api/v1`, ADMIN_KEY, randomUUID());
      expect(result.code).toBe(1);
      expect(result.stderr).toContain("is not a Taskyard service's base URL");
    });

    it('a server that is down', async () => {
      const result = await follow('http://127.0.0.1:1', ADMIN_KEY, randomUUID());
      expect(result.code).toBe(1);
      expect(result.stderr).toMatch(/^follow-task: cannot reach a Taskyard service at/m);
    });

    it('missing arguments', async () => {
      const result = await run(process.execPath, ['examples/follow-task.mjs'], workDir);
      expect(result.code).toBe(2);
      expect(result.stderr).toMatch(/^usage: node examples\/follow-task\.mjs/);
    });
  });
});
