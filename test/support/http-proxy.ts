import { once } from 'node:events';
import http from 'node:http';
import type { AddressInfo } from 'node:net';

export interface HttpProxy {
  url: string;
  close(): Promise<void>;
}

/**
 * How a faulty proxy spoils a request: `drop-request` closes the connection without forwarding
 * it, `drop-answer` forwards it and closes the connection instead of passing the answer on (the
 * service did the work, the client never hears of it), a number answers that status unforwarded.
 */
export type ProxyFault = 'drop-request' | 'drop-answer' | number;

/** A request as the faulty proxy saw it. */
export interface ProxiedCall {
  method: string;
  /** With the query, as the client sent it: `/api/v1/tasks/<id>/complete`. */
  path: string;
  body: string;
  fault?: ProxyFault;
  /** The service's answer, when the request reached it (a dropped answer included). */
  status?: number;
}

export interface FaultyHttpProxy extends HttpProxy {
  /** Every request so far, in the order they arrived. */
  calls: ProxiedCall[];
}

/** Sends a request on to `upstream`; `onAnswer` gets the answer, a failure closes `response`. */
function forward(
  upstream: URL,
  request: http.IncomingMessage,
  response: http.ServerResponse,
  onAnswer: (answer: http.IncomingMessage) => void,
): http.ClientRequest {
  const forwarded = http.request(
    {
      host: upstream.hostname,
      port: upstream.port,
      method: request.method,
      path: request.url,
      headers: request.headers,
    },
    onAnswer,
  );
  forwarded.on('error', () => response.destroy());
  return forwarded;
}

async function listen(server: http.Server): Promise<HttpProxy> {
  server.listen(0, '127.0.0.1');
  await once(server, 'listening');
  return {
    url: `http://127.0.0.1:${(server.address() as AddressInfo).port}`,
    close: async () => {
      server.closeAllConnections();
      server.close();
      await once(server, 'close');
    },
  };
}

/**
 * An HTTP proxy in front of `target` that passes plain requests and refuses to upgrade a
 * connection, as a proxy without WebSocket support does: Socket.IO over WebSocket cannot get
 * through it, REST can.
 */
export async function startHttpProxyWithoutWebSocket(target: string): Promise<HttpProxy> {
  const upstream = new URL(target);
  const server = http.createServer((request, response) => {
    request.pipe(
      forward(upstream, request, response, (answer) => {
        response.writeHead(answer.statusCode ?? 502, answer.headers);
        answer.pipe(response);
      }),
    );
  });
  server.on('upgrade', (_request, socket) => {
    socket.end('HTTP/1.1 501 Not Implemented\r\nConnection: close\r\n\r\n');
  });
  return listen(server);
}

/**
 * An HTTP proxy in front of `target` that reads each request whole (bodies are small JSON here),
 * asks `faultOf` whether to spoil it and records it in `calls`; requests without a fault pass.
 */
export async function startFaultyHttpProxy(
  target: string,
  faultOf: (call: ProxiedCall) => ProxyFault | undefined,
): Promise<FaultyHttpProxy> {
  const upstream = new URL(target);
  const calls: ProxiedCall[] = [];
  const server = http.createServer((request, response) => {
    const chunks: Buffer[] = [];
    request.on('data', (chunk: Buffer) => chunks.push(chunk));
    request.on('end', () => {
      const body = Buffer.concat(chunks);
      const call: ProxiedCall = {
        method: request.method ?? 'GET',
        path: request.url ?? '/',
        body: body.toString('utf8'),
      };
      call.fault = faultOf(call);
      calls.push(call);
      if (call.fault === 'drop-request') {
        request.socket.destroy();
        return;
      }
      if (typeof call.fault === 'number') {
        response.writeHead(call.fault, { 'content-type': 'text/plain', connection: 'close' });
        response.end(`refused by the test proxy (${call.fault})`);
        return;
      }
      const dropAnswer = call.fault === 'drop-answer';
      const forwarded = forward(upstream, request, response, (answer) => {
        call.status = answer.statusCode;
        if (dropAnswer) {
          answer.resume();
          request.socket.destroy();
          return;
        }
        response.writeHead(answer.statusCode ?? 502, answer.headers);
        answer.pipe(response);
      });
      // A worker killed mid-claim takes its forwarded claim with it: the service sees the closed
      // connection (and hands back what it claimed just then) as it would without the proxy.
      response.on('close', () => {
        if (!response.writableFinished) forwarded.destroy();
      });
      forwarded.end(body);
    });
  });
  const proxy = await listen(server);
  return { ...proxy, calls };
}
