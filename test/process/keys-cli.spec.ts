import { execFile } from 'node:child_process';
import {
  cp,
  mkdir,
  mkdtemp,
  readFile,
  rm,
  stat,
  symlink,
  utimes,
  writeFile,
} from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { createTestDatabase, type TestDatabase } from '../support/database.js';

const ROOT = fileURLToPath(new URL('../..', import.meta.url));
const CLI = path.join(ROOT, 'dist/auth/keys-cli.js');
const HEADER = ['id', 'prefix', 'tenant', 'name', 'role', 'created', 'last used', 'revoked'];

interface Run {
  code: number | null;
  stdout: string;
  stderr: string;
}

function run(file: string, args: string[], env: Record<string, string>, cwd = ROOT): Promise<Run> {
  return new Promise((resolve) => {
    execFile(
      process.execPath,
      [file, ...args],
      { cwd, env: { PATH: process.env.PATH ?? '', HOME: process.env.HOME ?? '', ...env } },
      (error, stdout, stderr) =>
        resolve({ code: error ? (error.code as number) : 0, stdout, stderr }),
    );
  });
}

/** The rows of a `list` table, each cut at the columns where the header's names start. */
function readTable(stdout: string): Record<string, string>[] {
  const [header = '', ...lines] = stdout.trimEnd().split('\n');
  const starts = HEADER.map((name) => header.indexOf(name));
  expect(starts.every((start, i) => start >= 0 && (i === 0 || start > starts[i - 1]))).toBe(true);
  return lines.map((line) =>
    Object.fromEntries(
      HEADER.map((name, i) => [name, line.slice(starts[i], starts[i + 1]).trimEnd()]),
    ),
  );
}

/** The CLI with a database nobody can reach: what answers here never touched one. */
const offline = (...args: string[]) =>
  run(CLI, args, { DATABASE_URL: 'postgres://nobody@127.0.0.1:1/none' });

describe('keys CLI', () => {
  let database: TestDatabase;
  const keys = (...args: string[]) =>
    run(CLI, args, { DATABASE_URL: database.url, DATA_DIR: tmpdir() });

  beforeAll(async () => {
    database = await createTestDatabase();
  });
  afterAll(() => database.drop());

  it('creates keys, lists them as an aligned table with a header, revokes one', async () => {
    const created = await keys('create', '--tenant', 'acme', '--name', 'ci runner');
    expect(created.code).toBe(0);
    expect(created.stdout.trimEnd().split('\n').at(-1)).toMatch(/^ty_[\w-]{43}$/);
    expect((await keys('create', '--tenant', 'ops', '--name', 'me', '--admin')).code).toBe(0);

    const listed = await keys('list');
    expect(listed.code).toBe(0);
    const rows = readTable(listed.stdout);
    expect(rows).toHaveLength(2);
    expect(rows[0]).toMatchObject({
      tenant: 'acme',
      name: 'ci runner',
      role: 'user',
      'last used': '-',
      revoked: '-',
    });
    expect(rows[0].id).toMatch(/^[0-9a-f-]{36}$/);
    expect(rows[0].prefix).toMatch(/^ty_.{7}…$/);
    expect(rows[0].created).toMatch(/^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\dZ$/);
    expect(rows[1]).toMatchObject({ tenant: 'ops', name: 'me', role: 'admin' });

    const revoked = await keys('revoke', rows[0].id);
    expect(revoked.code).toBe(0);
    const acme = readTable((await keys('list', '--tenant', 'acme')).stdout);
    expect(acme).toHaveLength(1);
    expect(acme[0].revoked).toMatch(/^\d{4}-\d\d-\d\dT/);
  });

  it('describes each command and its flags, without touching the database', async () => {
    const flags = {
      create: ['--tenant', '--name', '--admin'],
      list: ['--tenant'],
      revoke: ['<id>'],
    };
    for (const [command, names] of Object.entries(flags)) {
      const help = await offline(command, '--help');
      expect(help.code).toBe(0);
      expect(help.stdout).toMatch(new RegExp(`^usage: npm run keys -- ${command}`));
      for (const name of [...names, '--help']) expect(help.stdout).toContain(name);
      expect((await offline('help', command)).stdout).toBe(help.stdout);
      expect((await offline(command, '-h')).stdout).toBe(help.stdout);
    }
    const overview = await offline('--help');
    expect(overview.code).toBe(0);
    for (const command of ['create', 'list', 'revoke']) expect(overview.stdout).toContain(command);
    expect((await offline('help')).stdout).toBe(overview.stdout);
  });

  it.each([
    [['frob'], 'keys: unknown command "frob"', 'usage:'],
    [['help', 'frob'], 'keys: unknown command "frob"', 'usage:'],
    [['list', '--admin'], "keys: list: Unknown option '--admin'", 'usage: npm run keys -- list'],
    [
      ['create', '--tenant', 'acme'],
      'keys: create: --tenant and --name are required',
      'usage: npm run keys -- create',
    ],
    [['revoke'], 'keys: revoke: the id of the key is required', 'usage: npm run keys -- revoke'],
    [
      ['revoke', 'a', 'b'],
      'keys: revoke: unexpected argument "b"',
      'usage: npm run keys -- revoke',
    ],
    [
      ['list', '--tenant', 'Not A Tenant'],
      'keys: list: --tenant must match',
      'usage: npm run keys -- list',
    ],
  ])('answers %j with one error line, the usage, and status 2', async (args, error, usage) => {
    const result = await offline(...args);
    expect(result.code).toBe(2);
    expect(result.stdout).toBe('');
    const [first, blank, third] = result.stderr.split('\n');
    expect(first.startsWith(error)).toBe(true);
    expect([blank, third.startsWith(usage)]).toEqual(['', true]);
  });

  it('says when a key to revoke does not exist, with status 1', async () => {
    const result = await keys('revoke', '00000000-0000-4000-8000-000000000000');
    expect(result).toMatchObject({ code: 1, stdout: '' });
    expect(result.stderr).toMatch(/^keys: There is no API key with id/);
  });
});

describe('build-if-stale (npm run keys builds only when needed)', () => {
  let project: string;

  beforeAll(async () => {
    project = await mkdtemp(path.join(tmpdir(), 'taskyard-build-if-stale-'));
    await cp(path.join(ROOT, 'scripts'), path.join(project, 'scripts'), { recursive: true });
    await symlink(path.join(ROOT, 'node_modules'), path.join(project, 'node_modules'));
    await writeFile(
      path.join(project, 'tsconfig.json'),
      JSON.stringify({ compilerOptions: { module: 'nodenext', target: 'ES2023', outDir: 'dist' } }),
    );
    await writeFile(
      path.join(project, 'tsconfig.build.json'),
      JSON.stringify({
        extends: './tsconfig.json',
        compilerOptions: { rootDir: 'src' },
        include: ['src'],
      }),
    );
    await mkdir(path.join(project, 'src'));
    await writeFile(path.join(project, 'src/a.ts'), 'export const a: number = 1;\n');
  });
  afterAll(() => rm(project, { recursive: true, force: true }));

  const builder = () => run(path.join(project, 'scripts/build-if-stale.mjs'), [], {}, project);
  const stampOf = async () => (await stat(path.join(project, 'dist/.built-at'))).mtimeMs;

  it('builds a fresh clone, then nothing until a source changes', async () => {
    expect((await builder()).code).toBe(0);
    expect(await readFile(path.join(project, 'dist/a.js'), 'utf8')).toContain('a = 1');
    const first = await stampOf();

    expect((await builder()).code).toBe(0);
    expect(await stampOf()).toBe(first);

    await writeFile(path.join(project, 'src/a.ts'), 'export const a: number = 2;\n');
    const later = new Date(first + 5_000);
    await utimes(path.join(project, 'src/a.ts'), later, later);
    expect((await builder()).code).toBe(0);
    expect(await readFile(path.join(project, 'dist/a.js'), 'utf8')).toContain('a = 2');
    expect(await stampOf()).toBeGreaterThan(first);
  });

  it('fails with the compiler errors and keeps the old stamp, so the next call builds again', async () => {
    const stamp = await stampOf();
    await writeFile(path.join(project, 'src/b.ts'), 'export const b: number = "text";\n');
    const later = new Date(stamp + 10_000);
    await utimes(path.join(project, 'src/b.ts'), later, later);
    const failed = await builder();
    expect(failed.code).not.toBe(0);
    expect(failed.stdout).toContain('src/b.ts');
    expect(await stampOf()).toBe(stamp);
  });
});
