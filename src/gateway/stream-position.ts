/**
 * Positions in the tenant stream. A snapshot here is PostgreSQL's `pg_snapshot` (xmin:xmax:xip):
 * the transactions it sees as ended are those below xmax and not in xip. A position is the set of
 * transactions whose events a client has had — a snapshot — plus, in the middle of reading up to a
 * newer snapshot (a delta), the id of the last event of that delta it has had. Kept in canonical
 * form (xip sorted and unique, xmin the lowest of xip and xmax), so that equal sets compare equal.
 */
export interface Snapshot {
  xmin: bigint;
  xmax: bigint;
  xip: bigint[];
}

export interface Delta {
  target: Snapshot;
  /** Every event visible in `target` has an id at most this. */
  top: bigint;
  /** The last event of the delta sent; none yet when undefined. */
  afterId?: bigint;
}

export interface Position {
  base: Snapshot;
  delta?: Delta;
}

const TOKEN_VERSION = 'v1';

function snapshotOf(xmax: bigint, xip: Iterable<bigint>): Snapshot {
  const sorted = [...new Set(xip)].filter((x) => x < xmax).sort((a, b) => (a < b ? -1 : 1));
  return { xmin: sorted[0] ?? xmax, xmax, xip: sorted };
}

export function parseSnapshot(text: string): Snapshot | undefined {
  const match = /^(\d{1,20}):(\d{1,20}):((?:\d{1,20}(?:,\d{1,20})*)?)$/.exec(text);
  if (!match) return undefined;
  const xmin = BigInt(match[1] ?? '0');
  const xmax = BigInt(match[2] ?? '0');
  const xip = match[3] ? match[3].split(',').map(BigInt) : [];
  if (xmin > xmax || xip.some((x) => x < xmin || x >= xmax)) return undefined;
  return snapshotOf(xmax, xip);
}

export function formatSnapshot(s: Snapshot): string {
  return `${s.xmin}:${s.xmax}:${s.xip.join(',')}`;
}

/** Whether transaction `xid` had ended when `s` was taken (its events are in the set). */
export function sees(s: Snapshot, xid: bigint): boolean {
  return xid < s.xmin || (xid < s.xmax && !s.xip.includes(xid));
}

/** The transactions either snapshot sees. */
export function union(a: Snapshot, b: Snapshot): Snapshot {
  const [low, high] = a.xmax <= b.xmax ? [a, b] : [b, a];
  return snapshotOf(
    high.xmax,
    high.xip.filter((x) => x >= low.xmax || low.xip.includes(x)),
  );
}

/** The transactions both snapshots see. */
export function intersect(a: Snapshot, b: Snapshot): Snapshot {
  const xmax = a.xmax < b.xmax ? a.xmax : b.xmax;
  return snapshotOf(xmax, [...a.xip, ...b.xip]);
}

export function sameSnapshot(a: Snapshot, b: Snapshot): boolean {
  return formatSnapshot(a) === formatSnapshot(b);
}

/** `b` sees nothing `a` does not. */
export function covers(a: Snapshot, b: Snapshot): boolean {
  return sameSnapshot(union(a, b), a);
}

export function samePosition(a: Position, b: Position): boolean {
  const key = (p: Position) =>
    p.delta && p.delta.afterId !== undefined
      ? `${formatSnapshot(p.base)}|${formatSnapshot(p.delta.target)}|${p.delta.afterId}`
      : formatSnapshot(p.base);
  return key(a) === key(b);
}

/** The opaque string a client holds and sends back as `after`. */
export function encodePosition(p: Position): string {
  const parts = [formatSnapshot(p.base)];
  if (p.delta?.afterId !== undefined) {
    parts.push(formatSnapshot(p.delta.target), String(p.delta.top), String(p.delta.afterId));
  }
  return `${TOKEN_VERSION}.${Buffer.from(parts.join('|')).toString('base64url')}`;
}

export function decodePosition(token: string): Position | undefined {
  const [version, body, extra] = token.split('.');
  if (version !== TOKEN_VERSION || !body || extra !== undefined || token.length > 4096) {
    return undefined;
  }
  const parts = Buffer.from(body, 'base64url').toString().split('|');
  const base = parseSnapshot(parts[0] ?? '');
  if (!base) return undefined;
  if (parts.length === 1) return { base };
  const target = parseSnapshot(parts[1] ?? '');
  const numbers = parts.slice(2).filter((n) => /^\d{1,20}$/.test(n));
  if (parts.length !== 4 || !target || numbers.length !== 2) return undefined;
  return { base, delta: { target, top: BigInt(parts[2] ?? 0), afterId: BigInt(parts[3] ?? 0) } };
}

/**
 * A position a client sent, limited to what has happened (`now`): a real one is unchanged; one
 * that claims transactions not yet ended cannot make the stream wait for them.
 */
export function clampPosition(p: Position, now: Snapshot): Position {
  const base = intersect(p.base, now);
  return p.delta
    ? { base, delta: { ...p.delta, target: intersect(p.delta.target, now) } }
    : { base };
}
