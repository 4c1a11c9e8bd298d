import {
  clampPosition,
  covers,
  decodePosition,
  encodePosition,
  formatSnapshot,
  intersect,
  parseSnapshot,
  sees,
  union,
} from '../../src/gateway/stream-position.js';

const snap = (text: string) => {
  const s = parseSnapshot(text);
  if (!s) throw new Error(`bad snapshot ${text}`);
  return s;
};

describe('tenant stream positions', () => {
  it('reads and writes PostgreSQL snapshots, refusing malformed ones', () => {
    expect(formatSnapshot(snap('10:20:12,15'))).toBe('12:20:12,15');
    expect(formatSnapshot(snap('20:20:'))).toBe('20:20:');
    for (const bad of ['', '1:2', '5:3:', '1:10:11', 'a:b:', '1:10:3,x']) {
      expect(parseSnapshot(bad)).toBeUndefined();
    }
  });

  it('sees what ended before it was taken', () => {
    const s = snap('12:20:12,15');
    expect([11n, 12n, 13n, 15n, 19n, 20n].map((x) => sees(s, x))).toEqual([
      true,
      false,
      true,
      false,
      true,
      false,
    ]);
  });

  it('unites and intersects as sets of ended transactions', () => {
    const older = snap('12:20:12,15');
    const newer = snap('15:25:15,22');
    const both = union(older, newer);
    for (let x = 10n; x < 30n; x++) {
      expect([x, sees(both, x)]).toEqual([x, sees(older, x) || sees(newer, x)]);
      expect([x, sees(intersect(older, newer), x)]).toEqual([x, sees(older, x) && sees(newer, x)]);
    }
    expect(covers(newer, older)).toBe(true);
    // 13 had ended for `older`, not for this one.
    expect(covers(snap('12:25:12,13,22'), older)).toBe(false);
    expect(covers(both, older)).toBe(true);
  });

  it('round-trips a position through its token; refuses a forged one', () => {
    const base = snap('12:20:12,15');
    const position = { base, delta: { target: snap('15:25:15'), top: 900n, afterId: 450n } };
    expect(decodePosition(encodePosition(position))).toEqual(position);
    expect(decodePosition(encodePosition({ base }))).toEqual({ base });
    for (const bad of ['', 'v1.', 'v2.MTI6MjA6', 'v1.@@@', `v1.${'A'.repeat(5000)}`]) {
      expect(decodePosition(bad)).toBeUndefined();
    }
  });

  it('limits a position to what has happened', () => {
    const future = { base: snap('100:200:') };
    expect(formatSnapshot(clampPosition(future, snap('40:50:40')).base)).toBe('40:50:40');
  });
});
