import { execFile } from 'node:child_process';
import { mkdir, mkdtemp, readFile, realpath, rm, symlink, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { promisify } from 'node:util';
import ts from 'typescript';

const ROOT = fileURLToPath(new URL('../..', import.meta.url));
const CLIENT_DIR = path.join(ROOT, 'dist', 'client');
const run = promisify(execFile);

interface Edge {
  from: string;
  specifier: string;
  dynamic: boolean;
}

/** The module specifiers a built file imports: static, re-exported and `import()` with a literal. */
function importsOf(file: string, text: string): Edge[] {
  const source = ts.createSourceFile(file, text, ts.ScriptTarget.Latest, false, ts.ScriptKind.JS);
  const edges: Edge[] = [];
  const visit = (node: ts.Node): void => {
    if (
      (ts.isImportDeclaration(node) || ts.isExportDeclaration(node)) &&
      node.moduleSpecifier &&
      ts.isStringLiteral(node.moduleSpecifier)
    ) {
      edges.push({ from: file, specifier: node.moduleSpecifier.text, dynamic: false });
    }
    if (ts.isCallExpression(node) && node.expression.kind === ts.SyntaxKind.ImportKeyword) {
      const [argument] = node.arguments;
      // A computed specifier could load anything: the graph would not be provable.
      const specifier = argument && ts.isStringLiteral(argument) ? argument.text : '<computed>';
      edges.push({ from: file, specifier, dynamic: true });
    }
    ts.forEachChild(node, visit);
  };
  visit(source);
  return edges;
}

/** Every edge reachable from `entry`, following relative imports. */
async function importGraph(entry: string): Promise<{ files: string[]; edges: Edge[] }> {
  const files = new Set<string>();
  const edges: Edge[] = [];
  const queue = [entry];
  for (let file = queue.pop(); file; file = queue.pop()) {
    if (files.has(file)) continue;
    files.add(file);
    for (const edge of importsOf(file, await readFile(file, 'utf8'))) {
      edges.push(edge);
      if (edge.specifier.startsWith('.')) {
        queue.push(path.resolve(path.dirname(file), edge.specifier));
      }
    }
  }
  return { files: [...files], edges };
}

/** `taskyard/client` as a program that depends on the package imports it: by name, through `exports`. */
describe('the client SDK as a package subpath (taskyard/client)', () => {
  let app: string;

  beforeAll(async () => {
    app = await mkdtemp(path.join(tmpdir(), 'taskyard-client-app-'));
    await mkdir(path.join(app, 'node_modules'));
    await symlink(ROOT, path.join(app, 'node_modules', 'taskyard'), 'dir');
    await writeFile(path.join(app, 'package.json'), '{ "type": "module", "private": true }\n');
  });
  afterAll(() => rm(app, { recursive: true, force: true }));

  it('resolves by package name to dist/client and exports the client', async () => {
    const { stdout } = await run(
      process.execPath,
      [
        '--input-type=module',
        '-e',
        `const client = await import('taskyard/client');
         console.log(import.meta.resolve('taskyard/client'));
         console.log(Object.keys(client).sort().join(' '));`,
      ],
      { cwd: app },
    );
    const [resolved, names] = stdout.trim().split('\n');
    // Through the link into this checkout (Node resolves links to their real path).
    expect(fileURLToPath(resolved ?? '')).toBe(
      path.join(await realpath(ROOT), 'dist', 'client', 'index.js'),
    );
    expect(names?.split(' ')).toEqual([
      'FollowTaskError',
      'Taskyard',
      'TaskyardConnectionError',
      'TaskyardError',
      'followTask',
      'followTenant',
    ]);
  });

  it('has types a program compiles against, with the DOM library and no Node types', async () => {
    await writeFile(
      path.join(app, 'tsconfig.json'),
      JSON.stringify({
        compilerOptions: {
          module: 'nodenext',
          moduleResolution: 'nodenext',
          target: 'ES2023',
          lib: ['ES2023', 'DOM', 'DOM.Iterable'],
          types: [],
          strict: true,
          noEmit: true,
        },
        files: ['app.ts'],
      }),
    );
    await writeFile(
      path.join(app, 'app.ts'),
      `import { Taskyard, TaskyardError, type Task, type TaskEvent } from 'taskyard/client';
       const client = new Taskyard({ url: 'http://localhost:3000', key: 'ty_x', timeoutMs: 5000 });
       export async function session(file: Blob): Promise<[Task, TaskEvent[]]> {
         const task = await client.submitFile(file, { type: 'csv.import' }, {
           onUploadProgress: ({ loaded, total }) => console.log(loaded, total),
         });
         const events: TaskEvent[] = [];
         for await (const event of client.follow(task.id, { transport: 'polling' })) events.push(event);
         return [await client.wait(task.id), events];
       }
       export const isProblem = (error: unknown): number | undefined =>
         error instanceof TaskyardError ? error.status : undefined;
       // @ts-expect-error: the types are checked, not any
       client.getTask(42);
      `,
    );
    const tsc = path.join(ROOT, 'node_modules', 'typescript', 'bin', 'tsc');
    const result = await run(process.execPath, [tsc, '-p', app], { cwd: app }).then(
      () => '',
      (error: { stdout: string }) => error.stdout,
    );
    expect(result).toBe('');
  }, 60_000);

  it('pulls in no server code: its files, socket.io-client, and node: built-ins only on demand', async () => {
    const pkg = JSON.parse(await readFile(path.join(ROOT, 'package.json'), 'utf8')) as {
      exports: Record<string, { default: string }>;
      files: string[];
    };
    const entry = path.join(ROOT, pkg.exports['./client']?.default ?? 'missing');
    expect(entry).toBe(path.join(CLIENT_DIR, 'index.js'));
    expect(pkg.files).toContain('dist');

    const { files, edges } = await importGraph(entry);
    const outside = files.filter((file) => path.dirname(file) !== CLIENT_DIR);
    expect(outside).toEqual([]);
    const packages = edges.filter((edge) => !edge.specifier.startsWith('.'));
    const refused = packages.filter(
      (edge) =>
        edge.specifier !== 'socket.io-client' &&
        !(edge.specifier.startsWith('node:') && edge.dynamic),
    );
    expect(refused).toEqual([]);
    // The walk sees what it must refuse: the dynamic imports that read and write files.
    expect(
      packages.map((edge) => `${edge.dynamic ? 'import()' : 'import'} ${edge.specifier}`),
    ).toEqual(expect.arrayContaining(['import socket.io-client', 'import() node:fs']));
    expect(files.map((file) => path.basename(file))).toEqual(
      expect.arrayContaining(['taskyard.js', 'save-file.js', 'feed-socket.js']),
    );
  });
});

/** `taskyard/worker`, the remote worker SDK: its own files and the client's HTTP layer, no more. */
describe('the worker SDK as a package subpath (taskyard/worker)', () => {
  const WORKER_DIR = path.join(ROOT, 'dist', 'worker-client');

  it('resolves by package name to dist/worker-client and exports the worker', async () => {
    const { stdout } = await run(
      process.execPath,
      [
        '--input-type=module',
        '-e',
        `const worker = await import('taskyard/worker');
         console.log(Object.keys(worker).sort().join(' '));`,
      ],
      // The repository's own name resolves through its package.json `exports` from inside it.
      { cwd: ROOT },
    );
    expect(stdout.trim().split(' ')).toEqual([
      'PermanentError',
      'TaskAbortedError',
      'TaskyardConnectionError',
      'TaskyardError',
      'TaskyardWorker',
    ]);
  });

  it('pulls in no server code and no package: its files and the client HTTP layer only', async () => {
    const pkg = JSON.parse(await readFile(path.join(ROOT, 'package.json'), 'utf8')) as {
      exports: Record<string, { default: string }>;
    };
    const entry = path.join(ROOT, pkg.exports['./worker']?.default ?? 'missing');
    expect(entry).toBe(path.join(WORKER_DIR, 'index.js'));

    const { files, edges } = await importGraph(entry);
    const outside = files.filter(
      (file) => path.dirname(file) !== WORKER_DIR && path.dirname(file) !== CLIENT_DIR,
    );
    expect(outside).toEqual([]);
    expect(edges.filter((edge) => !edge.specifier.startsWith('.'))).toEqual([]);
    expect(files.map((file) => path.relative(ROOT, file)).sort()).toEqual(
      expect.arrayContaining([
        path.join('dist', 'client', 'http.js'),
        path.join('dist', 'worker-client', 'running-task.js'),
      ]),
    );
  });
});
