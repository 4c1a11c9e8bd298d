import type { IncomingMessage, Server } from 'node:http';
import type { AppConfig } from './config/app-config.js';

/**
 * Limits that keep clients who hold connections without sending from exhausting the process.
 *
 * - Before a request's first byte, and while its body arrives, the client may be silent for at
 *   most `idleTimeoutMs` (the socket's inactivity timeout, `server.timeout`). Node's own
 *   `headersTimeout` only starts at a request's first byte, so a socket that never sends one
 *   would otherwise stay open for good.
 * - Headers must arrive within `headersTimeoutMs` of the first byte, the whole request within
 *   `requestTimeoutMs` (Node answers 408 and closes). The latter is generous because a 1 GiB
 *   upload is a legitimate request; a body that stalls is cut by the idle timeout instead.
 * - While the server prepares its answer the client has nothing to send: a long poll
 *   (`Prefer: wait`) or an engine.io polling request waits without any inactivity limit.
 * - Between requests, `keepAliveTimeoutMs`. Upgraded connections (Socket.IO over WebSocket) leave
 *   these rules: `ws` clears the socket's timeout, and Socket.IO's heartbeat watches them.
 * - At most `maxConnections` open sockets (0: no cap); Node closes any beyond at once.
 */
export function limitConnections(server: Server, limits: AppConfig['http']): void {
  const { headersTimeoutMs, requestTimeoutMs, idleTimeoutMs } = limits;
  server.requestTimeout = requestTimeoutMs;
  // Node requires headersTimeout <= requestTimeout when both are on.
  server.headersTimeout =
    requestTimeoutMs > 0 ? Math.min(headersTimeoutMs, requestTimeoutMs) : headersTimeoutMs;
  server.keepAliveTimeout = limits.keepAliveTimeoutMs;
  server.timeout = idleTimeoutMs;
  // How often Node looks for requests past those deadlines (30 s by default); read at 'listening'.
  (server as Server & { connectionsCheckingInterval: number }).connectionsCheckingInterval =
    Math.max(50, Math.min(1000, headersTimeoutMs / 4));
  if (limits.maxConnections > 0) server.maxConnections = limits.maxConnections;
  server.on('request', (request: IncomingMessage) => {
    const socket = request.socket;
    if (!hasBody(request)) socket.setTimeout(0);
    else request.once('end', () => socket.setTimeout(0));
  });
}

function hasBody(request: IncomingMessage): boolean {
  const length = request.headers['content-length'];
  return request.headers['transfer-encoding'] !== undefined || (!!length && length !== '0');
}
