import type { INestApplicationContext } from '@nestjs/common';
import { IoAdapter } from '@nestjs/platform-socket.io';
import { createAdapter } from '@socket.io/postgres-adapter';
import { Pool, type PoolClient } from 'pg';
import type { Logger } from 'pino';
import type { Server, ServerOptions } from 'socket.io';
import { type ConnectionTarget, pgConnectionSettings } from '../database/connection-options.js';

/**
 * Socket.IO with @socket.io/postgres-adapter: broadcasts and room operations reach the clients of
 * every API node through PostgreSQL's NOTIFY, with no other broker. (Task events do not need it:
 * every node reads them from the task events channel; the adapter is for what one node sends to
 * clients held by others.)
 *
 * The adapter gets a small pool of its own, and its LISTEN connection an error listener and a
 * release when it ends: the adapter sets neither, so a database restart would otherwise end the
 * process on an unhandled 'error' and leak the connection.
 */
export class PostgresIoAdapter extends IoAdapter {
  private readonly pool: Pool;
  private poolEnded?: Promise<void>;

  constructor(
    app: INestApplicationContext,
    database: ConnectionTarget,
    private readonly log: Logger,
  ) {
    super(app);
    this.pool = new Pool({
      ...pgConnectionSettings(database),
      max: 3,
      application_name: 'taskyard-socket.io',
    });
    this.pool.on('error', (error) =>
      this.log.warn({ err: error }, 'socket.io adapter: idle connection lost'),
    );
  }

  override createIOServer(port: number, options?: ServerOptions): Server {
    const server = super.createIOServer(port, options);
    const pool = this.pool;
    const guarded = {
      query: pool.query.bind(pool),
      connect: async (): Promise<PoolClient> => {
        const client = await pool.connect();
        let released = false;
        const release = client.release.bind(client);
        client.release = (error?: Error | boolean) => {
          if (released) return;
          released = true;
          release(error);
        };
        client.on('error', (error) => {
          this.log.warn({ err: error }, 'socket.io adapter: listen connection lost; reconnecting');
        });
        client.once('end', () => client.release(true));
        return client;
      },
    } as unknown as Pool;
    server.adapter(createAdapter(guarded, { tableName: 'socket_io_attachments' }));
    return server;
  }

  override async close(server: Server): Promise<void> {
    await super.close(server);
    // Nest closes each server (namespace) it made, at once: the pool ends once.
    this.poolEnded ??= this.pool.end();
    await this.poolEnded;
  }
}
