import { isURL } from 'class-validator';

/** http(s) with a host; no TLD needed (internal names, and addresses in tests). */
export const HOOK_URL_RULES = {
  protocols: ['http', 'https'],
  require_protocol: true,
  require_tld: false,
};

export const CALLBACK_URL_MAX_LENGTH = 2048;

/** Why `value` cannot be a task's callbackUrl; undefined when it can. */
export function callbackUrlProblem(value: unknown): string | undefined {
  if (typeof value !== 'string') return 'callbackUrl must be a string';
  if (value.length > CALLBACK_URL_MAX_LENGTH) {
    return `callbackUrl must be at most ${CALLBACK_URL_MAX_LENGTH} characters`;
  }
  if (isURL(value, { ...HOOK_URL_RULES, disallow_auth: true })) return undefined;
  if (isURL(value, HOOK_URL_RULES)) return 'callbackUrl must not carry a user name or password';
  return 'callbackUrl must be an absolute http or https URL';
}
