import { type ChildProcess, execFile, spawn } from 'node:child_process';
import { mkdtemp, readFile, rm, stat, writeFile } from 'node:fs/promises';
import { createServer } from 'node:net';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { startTestApp, type TestApp } from '../support/app.js';
import { bearer, TEST_ADMIN_KEY } from '../support/auth.js';
import { BUILT_IN_TYPES, getTask, type TaskBody } from '../support/tasks.js';
import { waitFor } from '../support/wait.js';

const ROOT = fileURLToPath(new URL('../..', import.meta.url));
const CLI = path.join(ROOT, 'dist/cli/main.js');
const PEOPLE =
  'id,name,born\n1,Ada Lovelace,1815-12-10\n2,Alan Turing,1912-06-23\nx,Nobody,someday\n';
const COLUMNS = JSON.stringify({
  columns: [
    { name: 'id', type: 'int', nullable: false },
    { name: 'born', type: 'date' },
  ],
});

interface Run {
  code: number | null;
  signal: NodeJS.Signals | null;
  stdout: string;
  stderr: string;
}

/** A port nothing listens on (one that was free a moment ago). */
async function closedPort(): Promise<number> {
  const server = createServer();
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as { port: number };
  await new Promise((resolve) => server.close(resolve));
  return port;
}

const exited = (child: ChildProcess): Promise<number | null> =>
  new Promise((resolve) => child.once('exit', resolve));

/** One line of the large CSV the terminal test uploads. */
const row = (i: number): string => `${i},${'x'.repeat(200)}\n`;

/** The `taskyard` command, as a child process, with the exit status it ended with. */
describe('the taskyard CLI', () => {
  let app: TestApp;
  let home: string;
  let people: string;
  let env: Record<string, string>;

  /** Runs the CLI to its end; a run that outlasts `timeoutMs` is killed (and has a signal). */
  const taskyard = (
    args: string[],
    extraEnv: Record<string, string> = {},
    timeoutMs = 30_000,
    input = '',
  ) =>
    new Promise<Run>((resolve) => {
      const child = execFile(
        process.execPath,
        [CLI, ...args],
        { cwd: home, env: { ...env, ...extraEnv }, timeout: timeoutMs },
        (error, stdout, stderr) =>
          resolve({
            code: error ? (typeof error.code === 'number' ? error.code : null) : 0,
            signal: error?.signal ?? null,
            stdout,
            stderr,
          }),
      );
      child.stdin?.end(input);
    });
  /** Imports people.csv with declared columns (one row rejected), following it. */
  const importPeople = (): string[] => [
    'submit',
    people,
    '--type',
    'csv.import',
    '--options',
    COLUMNS,
    '--follow',
  ];
  const json = async <T>(args: string[]): Promise<T> => {
    const run = await taskyard([...args, '--json']);
    expect(run).toMatchObject({ code: 0, stderr: '' });
    return JSON.parse(run.stdout) as T;
  };

  /** Starts following a long sleep task; resolves once the task has started. */
  async function followSleep(
    extra: string[],
  ): Promise<{ child: ChildProcess; id: string; err: () => string }> {
    const child = spawn(
      process.execPath,
      [CLI, 'run', 'sleep', '--options', '{"ms":60000}', '--follow', ...extra],
      {
        cwd: home,
        env,
      },
    );
    let out = '';
    let err = '';
    child.stdout.on('data', (chunk: Buffer) => (out += chunk.toString()));
    child.stderr.on('data', (chunk: Buffer) => (err += chunk.toString()));
    await waitFor('the task to start', () => /^started /m.test(out));
    const id = /^task ([0-9a-f-]{36}) /m.exec(out)?.[1] ?? '';
    return { child, id, err: () => err };
  }

  beforeAll(async () => {
    app = await startTestApp();
    home = await mkdtemp(path.join(tmpdir(), 'taskyard-cli-'));
    people = path.join(home, 'people.csv');
    await writeFile(people, PEOPLE);
    env = {
      PATH: process.env.PATH ?? '',
      HOME: home,
      XDG_CONFIG_HOME: path.join(home, 'config'),
      TASKYARD_URL: app.baseUrl,
      TASKYARD_KEY: TEST_ADMIN_KEY,
    };
  });
  afterAll(async () => {
    await app?.close();
    await rm(home, { recursive: true, force: true });
  });

  it('submits a CSV with --follow: plain lines in a pipe, ending with the result, exit 0', async () => {
    const run = await taskyard(importPeople());
    expect(run.stderr).toBe('');
    expect(run.code).toBe(0);
    expect(run.stdout).not.toContain('\x1b'); // no bars or cursor moves outside a terminal
    const lines = run.stdout.trimEnd().split('\n');
    expect(lines[0]).toMatch(/^uploaded people\.csv: 81 B, [\d.]+ [kMG]?B\/s$/);
    expect(lines[1]).toMatch(/^task [0-9a-f-]{36} \(csv\.import\) queued$/);
    expect(lines).toContain('started attempt 1');
    const end = lines.findIndex((line) => /^succeeded in [\d.]+ s$/.test(line));
    expect(end).toBeGreaterThan(1);
    expect(lines.slice(end + 1)).toEqual([
      'result:',
      expect.stringMatching(/^ {2}table +imports\."task_[0-9a-f]{32}"$/),
      ...Array.from({ length: lines.length - end - 5 }, () =>
        expect.stringMatching(/^ {2}\w+ +\S/),
      ),
      'artifacts:',
      expect.stringMatching(
        /^ {2}rejects\.csv +\d+ B +taskyard artifacts get [0-9a-f-]{36} rejects\.csv/,
      ),
    ]);
    expect(lines).toContainEqual(expect.stringMatching(/^ {2}rowsLoaded +2$/));
    expect(lines).toContainEqual(expect.stringMatching(/^ {2}rowsRejected +1$/));
  });

  it('prints JSON for scripts: the finished task, the list, one task, its events', async () => {
    const task = await json<TaskBody>(['submit', people, '--type', 'csv.import', '--follow']);
    expect(task).toMatchObject({ type: 'csv.import', status: 'succeeded' });
    expect(task.result).toMatchObject({ rowsLoaded: 3, rowsRejected: 0 });
    expect(task.artifacts).toEqual([expect.objectContaining({ name: 'rejects.csv' })]);

    const page = await json<{ items: TaskBody[]; nextCursor: string | null }>(
      'tasks list --type csv.import --limit 1'.split(' '),
    );
    expect(page.items.map((t) => t.id)).toEqual([task.id]);
    expect(page.nextCursor).toEqual(expect.any(String));
    const all = await json<{ items: TaskBody[] }>(
      'tasks list --type csv.import --limit 1 --all'.split(' '),
    );
    expect(all.items.length).toBeGreaterThan(1);

    expect(await json<TaskBody>(['tasks', 'get', task.id])).toMatchObject({
      id: task.id,
      status: 'succeeded',
    });
    const events = await json<{ seq: number; kind: string }[]>(['tasks', 'events', task.id]);
    expect(events[0]).toMatchObject({ seq: 1, kind: 'created' });
    expect(events.at(-1)).toMatchObject({ seq: events.length, kind: 'succeeded' });
  });

  it('exits 1 with the problem title when the task fails', async () => {
    const options = JSON.stringify({ columns: [{ name: 'nope', type: 'int' }] });
    const optionsFile = path.join(home, 'options.json');
    await writeFile(optionsFile, options);
    const run = await taskyard([
      'submit',
      people,
      '--type',
      'csv.import',
      '--options',
      `@${optionsFile}`,
      '--follow',
    ]);
    expect(run.code).toBe(1);
    expect(run.stdout.trimEnd().split('\n').at(-1)).toMatch(/^failed in [\d.]+ s$/);
    expect(run.stderr).toBe(
      'taskyard: Task failed: declared columns not found in the header: "nope" (the header\'s 3 fields: "id", "name", "born")\n',
    );
  });

  it('exits 1 with the title and field errors of a problem the service answers', async () => {
    const unknownType = await taskyard(['run', 'no.such.type', '--payload', '{}']);
    expect(unknownType.code).toBe(1);
    expect(unknownType.stderr).toMatch(
      /^taskyard: Validation failed: .*; type: type must be one of: .*echo.*\n$/,
    );
  });

  it('exits 1 with the 401 title for a key the service does not know', async () => {
    const run = await taskyard(['tasks', 'list'], {
      TASKYARD_KEY: 'ty_not-a-key-at-all-000000000000',
    });
    expect(run.code).toBe(1);
    expect(run.stdout).toBe('');
    expect(run.stderr).toMatch(/^taskyard: Unauthorized: .*\n$/);
  });

  it('says in one line that a server that is down cannot be reached, and exits 1 within 10 s', async () => {
    const url = `http://127.0.0.1:${await closedPort()}`;
    for (const args of [
      ['tasks', 'list'],
      ['submit', people, '--type', 'csv.import', '--follow'],
    ]) {
      const run = await taskyard(args, { TASKYARD_URL: url }, 10_000);
      expect(run.signal).toBeNull(); // not killed at the 10 s bound
      expect(run.code).toBe(1);
      expect(run.stdout).toBe('');
      expect(run.stderr.split('\n')).toEqual([
        expect.stringMatching(/^taskyard: .*127\.0\.0\.1:\d+/),
        '',
      ]);
    }
  });

  it('lists, gets, cancels, retries and deletes tasks', async () => {
    const sleeper = await json<TaskBody>(['run', 'sleep', '--options', '{"ms":60000}']);
    expect(sleeper).toMatchObject({ type: 'sleep', status: 'queued' });
    await waitFor(
      'the sleep task to run',
      async () => (await getTask(app.baseUrl, TEST_ADMIN_KEY, sleeper.id)).status === 'running',
    );

    const list = await taskyard(['tasks', 'list', '--status', 'running']);
    expect(list.code).toBe(0);
    const [header, ...rows] = list.stdout.trimEnd().split('\n');
    expect(header).toMatch(/^id +type +status +progress +created +finished$/);
    expect(rows).toEqual([expect.stringMatching(new RegExp(`^${sleeper.id} +sleep +running +`))]);

    const details = await taskyard(['tasks', 'get', sleeper.id]);
    expect(details.stdout).toMatch(
      new RegExp(`^id +${sleeper.id}\\ntype +sleep\\nstatus +running\\n`),
    );

    const cancelled = await taskyard(['tasks', 'cancel', sleeper.id]);
    expect(cancelled.stdout).toMatch(new RegExp(`^task ${sleeper.id} (is stopping|cancelled)\\n$`));
    await waitFor(
      'the cancel',
      async () => (await getTask(app.baseUrl, TEST_ADMIN_KEY, sleeper.id)).status === 'cancelled',
    );
    const retried = await taskyard(['tasks', 'retry', sleeper.id]);
    expect(retried.code).toBe(0);
    // Queued again, and maybe claimed already by the time the answer is read.
    expect(retried.stdout).toMatch(new RegExp(`^task ${sleeper.id} (queued|running)\\n$`));
    const again = await taskyard(['tasks', 'cancel', sleeper.id]);
    expect(again.stdout).toMatch(
      new RegExp(`^task ${sleeper.id} (queued|is stopping|cancelled)\\n$`),
    );
    await waitFor(
      'the second cancel',
      async () => (await getTask(app.baseUrl, TEST_ADMIN_KEY, sleeper.id)).status === 'cancelled',
    );

    expect(await taskyard(['tasks', 'rm', sleeper.id])).toMatchObject({
      code: 0,
      stdout: `deleted task ${sleeper.id}\n`,
    });
    const gone = await taskyard(['tasks', 'get', sleeper.id]);
    expect(gone.code).toBe(1);
    expect(gone.stderr).toMatch(/^taskyard: Not Found: /);
  });

  it('gives run and submit a --callback-url, refused as the API refuses it', async () => {
    const url = 'https://example.com/hooks/cli';
    const ran = await json<TaskBody>(['run', 'echo', '--payload', '{}', '--callback-url', url]);
    expect(ran.callbackUrl).toBe(url);
    const bad = await taskyard(['run', 'echo', '--payload', '{}', '--callback-url', 'ftp://x/']);
    expect(bad.code).not.toBe(0);
    expect(bad.stderr).toMatch(/callbackUrl/);
  });

  it('runs tasks with a concurrency key, and tasks get says why the second one waits', async () => {
    const sleep = ['run', 'sleep', '--options', '{"ms":60000}', '--concurrency-key', 'cli-key'];
    const first = await json<TaskBody>(sleep);
    await waitFor(
      'the first sleep to run',
      async () => (await getTask(app.baseUrl, TEST_ADMIN_KEY, first.id)).status === 'running',
    );
    const second = await json<TaskBody>(sleep);
    const details = await taskyard(['tasks', 'get', second.id]);
    expect(details.stdout).toMatch(
      new RegExp(
        `^waiting +concurrency_key: Its concurrency key is held by task ${first.id}\\.$`,
        'm',
      ),
    );
    for (const task of [second, first]) {
      expect((await taskyard(['tasks', 'cancel', task.id])).code).toBe(0);
      await waitFor(
        'the cancel',
        async () => (await getTask(app.baseUrl, TEST_ADMIN_KEY, task.id)).status === 'cancelled',
      );
    }
  });

  it('downloads an artifact to a file and to stdout, byte for byte as the service serves it', async () => {
    const task = await json<TaskBody>(importPeople());
    const response = await fetch(`${app.baseUrl}/api/v1/tasks/${task.id}/artifacts/rejects.csv`, {
      headers: bearer(TEST_ADMIN_KEY),
    });
    const served = Buffer.from(await response.arrayBuffer());
    expect(served.toString()).toContain('someday');

    const file = path.join(home, 'rejects.csv');
    const saved = await taskyard(['artifacts', 'get', task.id, 'rejects.csv', '-o', file]);
    expect(saved).toMatchObject({ code: 0, stderr: '' });
    expect(saved.stdout).toBe(`saved rejects.csv to ${file} (${served.length} B)\n`);
    expect(await readFile(file)).toEqual(served);
    const piped = await taskyard(['artifacts', 'get', task.id, 'rejects.csv']);
    expect(Buffer.from(piped.stdout)).toEqual(served);

    const missing = await taskyard(['artifacts', 'get', task.id, 'nothing.csv', '-o', file]);
    expect(missing.code).toBe(1);
    expect(missing.stderr).toMatch(/^taskyard: Not Found/);
  });

  it('creates, lists and revokes API keys; a revoked key is refused', async () => {
    const created = await taskyard(['keys', 'create', '--tenant', 'acme', '--name', 'ci']);
    expect(created.code).toBe(0);
    const key = created.stdout.trimEnd().split('\n').at(-1) ?? '';
    expect(key).toMatch(/^ty_[\w-]{43}$/);
    expect((await taskyard(['tasks', 'list'], { TASKYARD_KEY: key })).code).toBe(0);

    const listed = await taskyard(['keys', 'list', '--tenant', 'acme']);
    const [header, ...rows] = listed.stdout.trimEnd().split('\n');
    expect(header).toMatch(/^id +prefix +tenant +name +role +created +last used +revoked$/);
    expect(rows).toEqual([
      expect.stringMatching(/^[0-9a-f-]{36} +ty_.{7}… +acme +ci +user +\S+ +\S+ +- *$/),
    ]);
    const id = rows[0]?.split(' ')[0] ?? '';

    expect(await taskyard(['keys', 'revoke', id])).toMatchObject({
      code: 0,
      stdout: `revoked ${id}\n`,
    });
    const refused = await taskyard(['tasks', 'list'], { TASKYARD_KEY: key });
    expect(refused.code).toBe(1);
    expect(refused.stderr).toMatch(/^taskyard: Unauthorized/);
    const userCannot = await taskyard(['queues', 'list'], { TASKYARD_KEY: key });
    expect(userCannot.code).toBe(1);
  });

  it('lists the task types as a table, and with --json their options schemas', async () => {
    const listed = await taskyard(['types']);
    expect(listed).toMatchObject({ code: 0, stderr: '' });
    const [header, ...rows] = listed.stdout.trimEnd().split('\n');
    expect(header).toMatch(/^type +input +media types +options$/);
    const cells = (type: string) => rows.find((r) => r.startsWith(`${type} `))?.split(/ {2,}/);
    expect(cells('sleep')).toEqual(['sleep', 'payload', '-', 'ms']);
    expect(cells('echo')).toEqual(['echo', 'payload', '-', '-']);
    expect(cells('csv.import')?.slice(0, 2)).toEqual(['csv.import', 'file']);
    expect(cells('csv.import')?.[2]).toContain('text/csv');
    const types = await json<{ type: string; options: { properties: object } }[]>(['types']);
    expect(types.map((t) => t.type)).toEqual(BUILT_IN_TYPES);
    const sleep = types.find((t) => t.type === 'sleep');
    expect(sleep?.options.properties).toEqual({
      ms: { type: 'integer', minimum: 0, maximum: 3_600_000, default: 1000 },
    });
  });

  it('pauses and resumes a queue', async () => {
    const paused = await taskyard(['queues', 'pause', 'tasks']);
    let resume;
    try {
      expect(paused).toMatchObject({ code: 0, stdout: 'queue tasks paused\n' });
      const queues = await json<{ name: string; paused: boolean }[]>(['queues', 'list']);
      expect(queues).toContainEqual(expect.objectContaining({ name: 'tasks', paused: true }));
      // Other queues may be listed too (the hourly retention job runs in "default").
      const [header, ...rows] = (await taskyard(['queues', 'list'])).stdout.trimEnd().split('\n');
      expect(header).toMatch(/^name +paused /);
      expect(rows).toContainEqual(expect.stringMatching(/^tasks +yes /));
    } finally {
      // The tests after this one need the queue running, whatever happened above.
      resume = await taskyard(['queues', 'resume', 'tasks']);
    }
    expect(resume.code).toBe(0);
    const resumed = await json<{ name: string; paused: boolean }[]>(['queues', 'list']);
    expect(resumed).toContainEqual(expect.objectContaining({ name: 'tasks', paused: false }));
  });

  it('lists the worker processes: a table, JSON, and only those of a status', async () => {
    const table = await taskyard(['workers']);
    expect(table).toMatchObject({ code: 0, stderr: '' });
    const [header, ...rows] = table.stdout.trimEnd().split('\n');
    expect(header).toMatch(
      /^id +status +role +host +pid +version +started +last seen +running +types$/,
    );
    expect(rows).toContainEqual(
      expect.stringMatching(
        new RegExp(`^\\S+ +alive +all +\\S+ +${process.pid} +\\S+ .* \\d+/10 +\\S*task:echo`),
      ),
    );
    const alive = await json<{ pid: number; status: string }[]>(['workers', '--status', 'alive']);
    expect(alive).toContainEqual(expect.objectContaining({ pid: process.pid, status: 'alive' }));
    expect(await json<unknown[]>(['workers', '--status', 'gone'])).toEqual([]);
    const bad = await taskyard(['workers', '--status', 'dead']);
    expect(bad.code).toBe(2);
    expect(bad.stderr).toContain("option '--status <status>' argument 'dead' is invalid");
  });

  it('saves the URL and key with login (mode 600) and uses them when nothing else is given', async () => {
    const configHome = await mkdtemp(path.join(tmpdir(), 'taskyard-cli-config-'));
    const noSettings = { TASKYARD_URL: '', TASKYARD_KEY: '', XDG_CONFIG_HOME: configHome };
    const none = await taskyard(['tasks', 'list'], noSettings);
    expect(none.code).toBe(1);
    expect(none.stderr).toMatch(/^taskyard: no API key: .*taskyard login/);

    const refused = await taskyard(
      ['login', '--url', app.baseUrl, '--key', 'ty_wrong-key-0000000000000000'],
      noSettings,
    );
    expect(refused.code).toBe(1);
    expect(refused.stderr).toMatch(/^taskyard: Unauthorized/);
    await expect(stat(path.join(configHome, 'taskyard', 'config.json'))).rejects.toThrow(/ENOENT/);

    const login = await taskyard(
      ['login', '--url', app.baseUrl, '--key', TEST_ADMIN_KEY],
      noSettings,
    );
    const file = path.join(configHome, 'taskyard', 'config.json');
    expect(login).toMatchObject({
      code: 0,
      stdout: `logged in to ${app.baseUrl}; saved in ${file}\n`,
    });
    expect((await stat(file)).mode & 0o777).toBe(0o600);
    expect(JSON.parse(await readFile(file, 'utf8'))).toEqual({
      url: app.baseUrl,
      key: TEST_ADMIN_KEY,
    });
    expect((await taskyard(['tasks', 'list'], noSettings)).code).toBe(0);
    // The key from stdin when no flag gives it; none at all is refused.
    const piped = await taskyard(['login'], noSettings, 30_000, `${TEST_ADMIN_KEY}\n`);
    expect(piped).toMatchObject({
      code: 0,
      stdout: `logged in to ${app.baseUrl}; saved in ${file}\n`,
    });
    const empty = await taskyard(['login'], noSettings, 30_000, '\n');
    expect(empty.code).toBe(1);
    expect(empty.stderr).toMatch(/^taskyard: no API key: pass --key, or give it on stdin/);
    // A flag still wins over the file.
    expect(
      (await taskyard(['tasks', 'list', '--key', 'ty_wrong-key-0000000000000000'], noSettings))
        .code,
    ).toBe(1);
    await rm(configHome, { recursive: true, force: true });
  });

  it('answers --help on every command with exit 0, and a usage error with exit 2', async () => {
    const commands = [
      [],
      ['submit'],
      ['run'],
      ['tasks'],
      ['tasks', 'list'],
      ['tasks', 'get'],
      ['tasks', 'events'],
      ['tasks', 'cancel'],
      ['tasks', 'retry'],
      ['tasks', 'rm'],
      ['types'],
      ['artifacts'],
      ['artifacts', 'get'],
      ['keys'],
      ['keys', 'create'],
      ['keys', 'list'],
      ['keys', 'revoke'],
      ['queues'],
      ['queues', 'list'],
      ['queues', 'pause'],
      ['queues', 'resume'],
      ['workers'],
      ['login'],
    ];
    const offline = { TASKYARD_URL: `http://127.0.0.1:${await closedPort()}` };
    for (const command of commands) {
      const help = await taskyard([...command, '--help'], offline);
      expect({ command, code: help.code }).toEqual({ command, code: 0 });
      expect(help.stdout).toContain(`Usage: taskyard ${command.join(' ')}`.trimEnd());
    }
    const usage = await taskyard(['submit', people], offline);
    expect(usage.code).toBe(2);
    expect(usage.stderr).toContain("error: required option '--type <type>' not specified");
    expect((await taskyard(['run', 'echo', '--payload', '{oops'], offline)).code).toBe(2);
  });

  describe('Ctrl-C while following', () => {
    it('leaves the task running, says so, and exits 130', async () => {
      const { child, id, err } = await followSleep([]);
      const exit = exited(child);
      child.kill('SIGINT');
      expect(await exit).toBe(130);
      expect(err()).toBe(
        `taskyard: stopped following; task ${id} keeps running (taskyard tasks get ${id})\n`,
      );
      expect((await getTask(app.baseUrl, TEST_ADMIN_KEY, id)).status).toBe('running');
      await taskyard(['tasks', 'cancel', id]);
    });

    it('cancels the task with --cancel-on-exit', async () => {
      const { child, id, err } = await followSleep(['--cancel-on-exit']);
      const exit = exited(child);
      child.kill('SIGINT');
      expect(await exit).toBe(130);
      expect(err()).toBe(`taskyard: stopped following; task ${id} cancelled\n`);
      expect((await getTask(app.baseUrl, TEST_ADMIN_KEY, id)).status).toBe('cancelled');
    });
  });

  it('draws the upload and task progress bars up to 100 % in a terminal', async () => {
    // A CSV of some megabytes, so that the bars have steps to show.
    const big = path.join(home, 'big.csv');
    await writeFile(big, `id,text\n${Array.from({ length: 20_000 }, (_, i) => row(i)).join('')}`);
    const command = [process.execPath, CLI, 'submit', big, '--type', 'csv.import', '--follow'].join(
      ' ',
    );
    // script(1) from util-linux runs the command under a pseudo-terminal and copies what it drew.
    const run = await new Promise<Run>((resolve) => {
      execFile(
        'script',
        ['-qfec', command, '/dev/null'],
        { cwd: home, env, timeout: 60_000 },
        (error, stdout, stderr) =>
          resolve({
            code: error ? Number(error.code ?? 1) : 0,
            signal: error?.signal ?? null,
            stdout,
            stderr,
          }),
      );
    });
    expect(run.code).toBe(0);
    const screen = run.stdout.replaceAll('\r', '');
    expect(screen).toContain('\x1b['); // drawn with cursor moves, not printed line by line
    expect(screen).toMatch(
      /upload [█░]+ +100% \| 4\.\d+ MB of 4\.\d+ MB \| [\d.]+ [kMG]?B\/s \| ETA/,
    );
    expect(screen).toMatch(/task +█+ 100% \| succeeded/);
    expect(screen).toMatch(/\nsucceeded in [\d.]+ s\nresult:\n/);
  });
});
