import http from 'node:http';
import https from 'node:https';
import type { LookupFunction } from 'node:net';
import { resolveDestination } from './destination-guard.js';

export interface SendResult {
  /** Null when no answer came (refused connection, timeout, reset). */
  statusCode: number | null;
  durationMs: number;
  error: string | null;
}

/**
 * POSTs `body` once. node:http(s) rather than fetch: its `lookup` option lets the connection go
 * to exactly the address that resolveDestination checked (no second lookup for a DNS rebinding
 * to slip through), while TLS still verifies the certificate against the URL's host name.
 * Redirects are not followed (a 3xx is a failed attempt); the answer's body is not read beyond
 * draining it.
 */
export async function sendWebhook(
  url: URL,
  headers: Record<string, string>,
  body: string,
  options: { timeoutMs: number; allowPrivate: boolean },
): Promise<SendResult> {
  const started = performance.now();
  const resolved = await resolveDestination(url.hostname, options.allowPrivate);
  const pinned: LookupFunction = (_host, lookupOptions, callback) => {
    if ((lookupOptions as { all?: boolean }).all) {
      (callback as (e: null, a: { address: string; family: number }[]) => void)(null, [resolved]);
    } else callback(null, resolved.address, resolved.family);
  };
  const client = url.protocol === 'https:' ? https : http;
  const elapsed = (): number => Math.round(performance.now() - started);
  return new Promise<SendResult>((resolve) => {
    const request = client.request(
      url,
      {
        method: 'POST',
        lookup: pinned,
        agent: false,
        headers: {
          ...headers,
          'content-type': 'application/json',
          'content-length': String(Buffer.byteLength(body)),
          'user-agent': 'Taskyard-Webhooks',
        },
        signal: AbortSignal.timeout(options.timeoutMs),
      },
      (response) => {
        response.resume();
        const statusCode = response.statusCode ?? null;
        const ok = statusCode !== null && statusCode >= 200 && statusCode < 300;
        resolve({ statusCode, durationMs: elapsed(), error: ok ? null : `HTTP ${statusCode}` });
      },
    );
    request.on('error', (error: Error) => {
      const message =
        error.name === 'AbortError' ? `timed out after ${options.timeoutMs} ms` : error.message;
      resolve({ statusCode: null, durationMs: elapsed(), error: message });
    });
    request.end(body);
  });
}
