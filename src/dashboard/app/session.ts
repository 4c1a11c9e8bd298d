import { Taskyard } from '../../client/index.js';
import type { ApiKeyRole, Problem } from '../../client/index.js';

/** The tab's session storage: the key lives as long as the tab, never in a URL or a cookie. */
const STORAGE_KEY = 'taskyard.apiKey';

/** Who the key belongs to, as GET /api/v1/me answers. */
export interface Identity {
  keyId: string;
  tenant: string;
  role: ApiKeyRole;
}

export interface Session {
  key: string;
  client: Taskyard;
  identity: Identity;
}

export function storedKey(): string | null {
  return sessionStorage.getItem(STORAGE_KEY);
}

export function forgetKey(): void {
  sessionStorage.removeItem(STORAGE_KEY);
}

/** Checks the key against the service and keeps it for the tab when it is known. */
export async function openSession(key: string): Promise<Session> {
  const response = await fetch('/api/v1/me', {
    headers: { authorization: `Bearer ${key}`, accept: 'application/json' },
  });
  if (!response.ok) {
    const problem = (await response.json().catch(() => ({}))) as Partial<Problem>;
    throw new Error(problem.detail ?? `The service answered ${response.status}.`);
  }
  const identity = (await response.json()) as Identity;
  sessionStorage.setItem(STORAGE_KEY, key);
  return { key, identity, client: new Taskyard({ url: location.origin, key }) };
}
