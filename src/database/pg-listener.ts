import { Client } from 'pg';
import type { Logger } from 'pino';
import { type ConnectionTarget, pgConnectionSettings } from './connection-options.js';

export interface ListenerEvents {
  onNotification(payload: string): void;
  onConnectionChange(connected: boolean): void;
}

const MAX_RECONNECT_DELAY_MS = 5000;

/**
 * One dedicated connection that LISTENs on one channel. When it drops (network, server restart,
 * pg_terminate_backend) it reconnects with backoff; users poll or re-read meanwhile.
 */
export class PgListener {
  private client?: Client;
  /** The client being connected, before it becomes `client`. */
  private connecting?: Client;
  private stopped = false;
  private reconnectDelayMs = 100;
  private reconnectTimer?: NodeJS.Timeout;
  connected = false;

  constructor(
    private readonly database: ConnectionTarget,
    private readonly channel: string,
    private readonly events: ListenerEvents,
    private readonly logger: Logger,
  ) {}

  async start(): Promise<void> {
    await this.connect();
  }

  async stop(): Promise<void> {
    this.stopped = true;
    clearTimeout(this.reconnectTimer);
    const client = this.client;
    this.client = undefined;
    this.setConnected(false);
    await client?.end().catch(() => undefined);
  }

  private async connect(): Promise<void> {
    const client = new Client({
      ...pgConnectionSettings(this.database),
      application_name: `taskyard-listener-${this.channel}`,
      keepAlive: true,
    });
    client.on('notification', (message) => this.events.onNotification(message.payload ?? ''));
    client.on('error', (error) => this.lost(client, error));
    client.on('end', () => this.lost(client, new Error('connection ended')));
    this.connecting = client;
    try {
      await client.connect();
      await client.query(`LISTEN ${this.channel}`);
    } catch (error) {
      this.lost(client, error);
      return;
    } finally {
      if (this.connecting === client) this.connecting = undefined;
    }
    if (this.stopped) {
      await client.end().catch(() => undefined);
      return;
    }
    this.client = client;
    this.reconnectDelayMs = 100;
    this.setConnected(true);
  }

  private lost(client: Client, error: unknown): void {
    // Late events from a client already given up on must not start a second reconnection.
    if (this.stopped || (client !== this.client && client !== this.connecting)) return;
    if (this.client === client) {
      this.logger.warn(
        { err: error, channel: this.channel },
        'listener connection lost; reconnecting',
      );
    }
    this.client = undefined;
    this.connecting = undefined;
    this.setConnected(false);
    client.removeAllListeners('end');
    client.removeAllListeners('notification');
    client.on('error', () => undefined);
    client.end().catch(() => undefined);
    if (this.reconnectTimer) return;
    this.reconnectTimer = setTimeout(() => {
      this.reconnectTimer = undefined;
      void this.connect();
    }, this.reconnectDelayMs);
    this.reconnectDelayMs = Math.min(MAX_RECONNECT_DELAY_MS, this.reconnectDelayMs * 2);
  }

  private setConnected(connected: boolean): void {
    if (this.connected === connected) return;
    this.connected = connected;
    this.events.onConnectionChange(connected);
  }
}
