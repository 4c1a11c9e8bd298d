import { createHash } from 'node:crypto';
import { existsSync, readdirSync, readFileSync } from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';

/** One built file, as stored and as its precompressed copies (scripts/build-dashboard.mjs). */
export interface DashboardAsset {
  contentType: string;
  etag: string;
  /** By content coding: 'br', 'gzip', 'identity'. */
  bodies: Map<string, Buffer>;
}

const CONTENT_TYPES: Record<string, string> = {
  '.html': 'text/html; charset=utf-8',
  '.js': 'text/javascript; charset=utf-8',
  '.css': 'text/css; charset=utf-8',
  '.svg': 'image/svg+xml',
};

const CODINGS: [suffix: string, coding: string][] = [
  ['.br', 'br'],
  ['.gz', 'gzip'],
];

/**
 * The built dashboard (dist/dashboard-app under the package root), read into memory once: it is
 * a few files of tens of kilobytes. Empty when the dashboard was not built.
 */
export function loadDashboardAssets(
  dir = path.join(packageRoot(), 'dist', 'dashboard-app'),
): Map<string, DashboardAsset> {
  const assets = new Map<string, DashboardAsset>();
  if (!existsSync(path.join(dir, 'index.html'))) return assets;
  for (const entry of readdirSync(dir, { recursive: true, withFileTypes: true })) {
    const type = CONTENT_TYPES[path.extname(entry.name)];
    if (!entry.isFile() || !type) continue;
    const file = path.join(entry.parentPath, entry.name);
    const identity = readFileSync(file);
    const bodies = new Map([['identity', identity]]);
    for (const [suffix, coding] of CODINGS) {
      if (existsSync(file + suffix)) bodies.set(coding, readFileSync(file + suffix));
    }
    const etag = `"${createHash('sha256').update(identity).digest('base64url').slice(0, 22)}"`;
    assets.set(path.relative(dir, file).split(path.sep).join('/'), {
      contentType: type,
      etag,
      bodies,
    });
  }
  return assets;
}

/** The coding to send: the smallest the client accepts (q=0 refuses one). */
export function pickCoding(asset: DashboardAsset, acceptEncoding: string | undefined): string {
  const refused = new Set<string>();
  const accepted = new Set<string>();
  for (const part of (acceptEncoding ?? '').toLowerCase().split(',')) {
    const [name, ...params] = part.trim().split(';');
    const q = params.map((p) => /^\s*q=([\d.]+)\s*$/.exec(p)?.[1]).find(Boolean);
    (q !== undefined && Number(q) === 0 ? refused : accepted).add(name.trim());
  }
  for (const coding of ['br', 'gzip']) {
    if (asset.bodies.has(coding) && !refused.has(coding)) {
      if (accepted.has(coding) || (accepted.has('*') && !refused.has(coding))) return coding;
    }
  }
  return 'identity';
}

function packageRoot(): string {
  for (let dir = path.dirname(fileURLToPath(import.meta.url)); ; dir = path.dirname(dir)) {
    if (existsSync(path.join(dir, 'package.json'))) return dir;
    if (dir === path.dirname(dir)) throw new Error('no package.json above the dashboard module');
  }
}
