import { createHash, randomBytes } from 'node:crypto';

export const API_KEY_ROLES = ['user', 'admin', 'worker'] as const;
export type ApiKeyRole = (typeof API_KEY_ROLES)[number];

/** Tenant names: what a key's data is kept apart by. */
export const TENANT_PATTERN = /^[a-z0-9][a-z0-9_-]{0,62}$/;

/** Who made a request: set on the request by the auth guard. */
export interface Caller {
  keyId: string;
  tenant: string;
  role: ApiKeyRole;
}

/** `ty_` and 256 random bits: long enough that a plain sha256 is a safe way to store it. */
export function generateApiKey(): string {
  return `ty_${randomBytes(32).toString('base64url')}`;
}

export function hashApiKey(key: string): Buffer {
  return createHash('sha256').update(key).digest();
}

/** What a listing shows of a key: enough to recognise it, useless to an attacker. */
export function keyPrefix(key: string): string {
  return key.slice(0, 10);
}

/**
 * The tenant rule: a key sees its own tenant's data, an admin key every tenant's. This is the
 * tenant filter of a query: undefined for admins.
 */
export function tenantScope(caller: Caller): string | undefined {
  return caller.role === 'admin' ? undefined : caller.tenant;
}

/** Whether data of `tenant` is within a scope that tenantScope gave. */
export function inTenantScope(scope: string | undefined, tenant: string): boolean {
  return scope === undefined || scope === tenant;
}
