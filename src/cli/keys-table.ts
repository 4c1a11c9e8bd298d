import { table, utc } from './output.js';

/** An API key as a listing shows it: the admin route's answer, or a row the keys CLI read. */
export interface KeyListing {
  id: string;
  prefix: string;
  tenant: string;
  name: string;
  role: string;
  createdAt: Date | string;
  lastUsedAt: Date | string | null;
  revokedAt: Date | string | null;
}

/**
 * Keys as an aligned table with a header, times in UTC, "-" for none: what `taskyard keys list`
 * and `npm run keys -- list` print alike.
 */
export function keysTable(keys: KeyListing[]): string {
  return table(
    ['id', 'prefix', 'tenant', 'name', 'role', 'created', 'last used', 'revoked'],
    keys.map((k) => [
      k.id,
      `${k.prefix}…`,
      k.tenant,
      k.name,
      k.role,
      utc(k.createdAt),
      utc(k.lastUsedAt),
      utc(k.revokedAt),
    ]),
  );
}
