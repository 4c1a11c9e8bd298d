import { createHmac, timingSafeEqual } from 'node:crypto';
import { once } from 'node:events';
import http from 'node:http';
import type { AddressInfo } from 'node:net';

export interface Received {
  headers: http.IncomingHttpHeaders;
  body: string;
  json: { type: string; timestamp: string; data: { task: { id: string }; event: { seq: number } } };
}

/** A local HTTP receiver: records every POST and answers with `answer()`'s status. */
export class WebhookReceiver {
  readonly received: Received[] = [];
  answer: (request: number) => number = () => 200;
  private server?: http.Server;

  async listen(host = '127.0.0.1', port = 0): Promise<this> {
    this.server = http.createServer((req, res) => {
      const chunks: Buffer[] = [];
      req.on('data', (chunk: Buffer) => chunks.push(chunk));
      req.on('end', () => {
        const body = Buffer.concat(chunks).toString('utf8');
        this.received.push({
          headers: req.headers,
          body,
          json: JSON.parse(body) as Received['json'],
        });
        res.writeHead(this.answer(this.received.length)).end();
      });
    });
    this.server.listen(port, host);
    await once(this.server, 'listening');
    return this;
  }

  get port(): number {
    if (!this.server) throw new Error('the receiver is not listening');
    return (this.server.address() as AddressInfo).port;
  }

  url(host = '127.0.0.1'): string {
    return `http://${host}:${this.port}/hook`;
  }

  async close(): Promise<void> {
    if (!this.server) return;
    this.server.closeAllConnections();
    this.server.close();
    await once(this.server, 'close');
  }
}

/**
 * Standard Webhooks verification, written from the specification rather than taken from the code
 * under test: HMAC-SHA256 over `id.timestamp.body` with the secret's base64 part decoded, compared
 * in constant time with each `v1,` signature of the header.
 */
export function verifySignature(secret: string, received: Received): boolean {
  const id = String(received.headers['webhook-id']);
  const timestamp = String(received.headers['webhook-timestamp']);
  const key = Buffer.from(secret.replace(/^whsec_/, ''), 'base64');
  const expected = createHmac('sha256', key).update(`${id}.${timestamp}.${received.body}`).digest();
  const header = String(received.headers['webhook-signature'] ?? '');
  return header.split(' ').some((part) => {
    const [version, mac] = part.split(',');
    const given = Buffer.from(mac ?? '', 'base64');
    return version === 'v1' && given.length === expected.length && timingSafeEqual(given, expected);
  });
}
