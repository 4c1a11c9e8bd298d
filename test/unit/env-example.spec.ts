import { readFileSync } from 'node:fs';
import { parse } from 'dotenv';
import { Environment } from '../../src/config/environment.js';

describe('.env.example', () => {
  const documented = parse(readFileSync(new URL('../../.env.example', import.meta.url)));
  const defaults = new Environment() as unknown as Record<
    string,
    string | number | boolean | undefined
  >;

  it('lists every setting, and only those', () => {
    expect(Object.keys(documented).sort()).toEqual(Object.keys(defaults).sort());
  });

  it('shows each default as the code has it', () => {
    for (const [name, value] of Object.entries(defaults)) {
      expect([name, documented[name]]).toEqual([name, value === undefined ? '' : String(value)]);
    }
  });
});
