export const REDACTED = '[redacted]';

/** Parts of a parameter name that mark a credential anywhere in it (`access_token`, `X-Amz-Signature`). */
const CREDENTIAL_PART =
  /token|secret|passw|pwd|credential|signature|api.?key|auth|session|jwt|cookie/i;

/** Whole words of a name that mark one (`key`, `sig`), but not inside other words (`monkey`, `design`). */
const CREDENTIAL_WORDS = new Set(['key', 'keys', 'sig', 'code', 'pass', 'pin', 'otp', 'hash']);

/** True when a query parameter of this name may carry a credential: its value is never logged. */
export function isCredentialName(name: string): boolean {
  if (CREDENTIAL_PART.test(name)) return true;
  const words = name
    .replace(/([a-z0-9])([A-Z])/g, '$1 $2')
    .toLowerCase()
    .split(/[^a-z0-9]+/);
  return words.some((word) => CREDENTIAL_WORDS.has(word));
}

/**
 * `url` as it may be logged: the path as sent, and the query with the value of every parameter
 * that looks like a credential replaced (`?status=queued&access_token=[redacted]`). The other
 * parameters stay as sent, so a log line still shows what was asked for.
 */
export function redactUrl(url: string): string {
  const mark = url.indexOf('?');
  if (mark === -1) return url;
  const query = url
    .slice(mark + 1)
    .split('&')
    .map((pair) => {
      const equals = pair.indexOf('=');
      const rawName = equals === -1 ? pair : pair.slice(0, equals);
      if (!isCredentialName(decodeName(rawName))) return pair;
      return `${rawName}=${REDACTED}`;
    })
    .join('&');
  return `${url.slice(0, mark)}?${query}`;
}

/** The parameter's name as a server reads it: `+` is a space, and %-escapes decoded when valid. */
function decodeName(raw: string): string {
  const spaced = raw.replace(/\+/g, ' ');
  try {
    return decodeURIComponent(spaced);
  } catch {
    return spaced;
  }
}
