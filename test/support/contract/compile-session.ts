import { mkdir, writeFile } from 'node:fs/promises';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import ts from 'typescript';

const HERE = path.dirname(fileURLToPath(import.meta.url));
const REPO = path.resolve(HERE, '../../..');
/** The session program; it imports its types as ./openapi.js, which only a compile here provides. */
export const SESSION_DIR = path.join(HERE, 'session');
export const SESSION_ENTRY = 'readme-session';

/**
 * Compiles the session program with the project's own compiler options, against `openapi.d.ts`
 * in `typesDir` (merged into the session folder by `rootDirs`), into `outDir`. Returns the
 * diagnostics, formatted; nothing is emitted when there are any.
 */
export async function compileSession(typesDir: string, outDir: string): Promise<string[]> {
  const config = ts.readConfigFile(path.join(REPO, 'tsconfig.json'), (file) =>
    ts.sys.readFile(file),
  );
  const { options } = ts.convertCompilerOptionsFromJson(config.config.compilerOptions, REPO);
  const program = ts.createProgram({
    rootNames: [path.join(SESSION_DIR, `${SESSION_ENTRY}.ts`)],
    options: {
      ...options,
      rootDir: HERE,
      rootDirs: [SESSION_DIR, typesDir],
      outDir,
      types: ['node'],
      incremental: false,
      sourceMap: false,
    },
  });
  await mkdir(outDir, { recursive: true });
  const diagnostics = [...ts.getPreEmitDiagnostics(program)];
  if (diagnostics.length === 0) diagnostics.push(...program.emit().diagnostics);
  // Node reads the emitted .js files as ES modules, as in the project itself.
  await writeFile(path.join(outDir, 'package.json'), '{ "type": "module" }\n');
  return diagnostics.map((d) =>
    ts.formatDiagnostic(d, {
      getCanonicalFileName: (name) => name,
      getCurrentDirectory: () => REPO,
      getNewLine: () => '\n',
    }),
  );
}

/** Where the compiled entry point lands in `outDir`. */
export function compiledEntry(outDir: string): string {
  return path.join(outDir, 'session', `${SESSION_ENTRY}.js`);
}
