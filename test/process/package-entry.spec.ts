import { execFile } from 'node:child_process';
import { existsSync } from 'node:fs';
import { readFile } from 'node:fs/promises';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { promisify } from 'node:util';

const ROOT = fileURLToPath(new URL('../..', import.meta.url));

/** The package's entry, as a host application imports it: `import { TaskyardModule } from 'taskyard'`. */
describe('the package entry', () => {
  it('exports the module, the decorators and the services from the built files, with their types', async () => {
    const pkg = JSON.parse(await readFile(path.join(ROOT, 'package.json'), 'utf8')) as {
      exports: Record<string, { types: string; default: string }>;
    };
    const entry = pkg.exports['.'];
    expect(existsSync(path.join(ROOT, entry?.types ?? ''))).toBe(true);
    const { stdout } = await promisify(execFile)(
      process.execPath,
      [
        '--input-type=module',
        '-e',
        "const t = await import('taskyard'); console.log(Object.keys(t).sort().join(' '))",
      ],
      { cwd: ROOT },
    );
    expect(stdout.trim().split(' ')).toEqual(
      expect.arrayContaining([
        'JobHandler',
        'JobsService',
        'TaskProcessor',
        'TasksService',
        'TaskyardModule',
      ]),
    );
  });
});
