#!/usr/bin/env node
// Builds the dashboard (src/dashboard/app) into dist/dashboard-app/: one bundled, minified script
// and one stylesheet with content hashes in their names, index.html naming them, and a Brotli and
// a gzip copy of each file so that the server sends compressed bytes without compressing per request.
import { build } from 'esbuild';
import { mkdirSync, readFileSync, readdirSync, rmSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { brotliCompressSync, constants, gzipSync } from 'node:zlib';

const root = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..');
const source = path.join(root, 'src/dashboard/app');
const out = path.join(root, 'dist/dashboard-app');

rmSync(out, { recursive: true, force: true });
mkdirSync(path.join(out, 'assets'), { recursive: true });

const result = await build({
  entryPoints: [path.join(source, 'main.tsx'), path.join(source, 'styles.css')],
  outdir: path.join(out, 'assets'),
  entryNames: '[name]-[hash]',
  bundle: true,
  minify: true,
  format: 'esm',
  platform: 'browser',
  target: ['chrome120', 'firefox120', 'safari17'],
  jsx: 'automatic',
  jsxImportSource: 'preact',
  tsconfig: path.join(source, 'tsconfig.json'),
  // The SDK imports node:fs only for a file path, which the browser never passes.
  external: ['node:*'],
  metafile: true,
  legalComments: 'none',
  logLevel: 'warning',
});

const outputs = Object.keys(result.metafile.outputs).map((file) => path.basename(file));
const script = outputs.find((name) => name.startsWith('main-') && name.endsWith('.js'));
const stylesheet = outputs.find((name) => name.startsWith('styles-') && name.endsWith('.css'));
const html = readFileSync(path.join(source, 'index.html'), 'utf8')
  .replace('%SCRIPT%', `assets/${script}`)
  .replace('%STYLESHEET%', `assets/${stylesheet}`);
writeFileSync(path.join(out, 'index.html'), html);

for (const dir of [out, path.join(out, 'assets')]) {
  for (const name of readdirSync(dir, { withFileTypes: true })) {
    if (!name.isFile()) continue;
    const file = path.join(dir, name.name);
    const bytes = readFileSync(file);
    writeFileSync(`${file}.br`, brotliCompressSync(bytes, {
      params: { [constants.BROTLI_PARAM_QUALITY]: 11, [constants.BROTLI_PARAM_SIZE_HINT]: bytes.length },
    }));
    writeFileSync(`${file}.gz`, gzipSync(bytes, { level: 9 }));
  }
}
