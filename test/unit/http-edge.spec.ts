import { readdirSync, readFileSync } from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';

const SRC = fileURLToPath(new URL('../../src', import.meta.url));

/** An import of Express or busboy, or of Nest's Express platform: the HTTP layer's types. */
const HTTP_IMPORT = /\bfrom\s+['"](?:express|busboy|@nestjs\/platform-express)['"]/;

/**
 * Where HTTP types belong: src/http, controllers and the other request-bound pieces Nest calls
 * with the request (guards, interceptors, middleware, param decorators), and the files that build
 * the server.
 */
function mayUseHttpTypes(file: string): boolean {
  return (
    file.startsWith('http/') ||
    /\.(?:controller|guard|interceptor|middleware|decorators)\.ts$/.test(file) ||
    ['app.ts', 'bootstrap.ts'].includes(file)
  );
}

function sourceFiles(): string[] {
  return readdirSync(SRC, { recursive: true, encoding: 'utf8' })
    .filter((file) => file.endsWith('.ts'))
    .map((file) => file.split(path.sep).join('/'));
}

function importsHttpTypes(file: string): boolean {
  return HTTP_IMPORT.test(readFileSync(path.join(SRC, file), 'utf8'));
}

describe('HTTP types stop at the edge', () => {
  it('are imported by no file below the controllers (services, repositories, processors)', () => {
    const below = sourceFiles().filter((file) => !mayUseHttpTypes(file) && importsHttpTypes(file));
    expect(below).toEqual([]);
  });

  it('are found where they are used, so the check above cannot pass by missing them', () => {
    expect(importsHttpTypes('http/multipart.ts')).toBe(true);
    expect(importsHttpTypes('tasks/tasks.controller.ts')).toBe(true);
    expect(importsHttpTypes('tasks/task-creator.ts')).toBe(false);
  });
});
