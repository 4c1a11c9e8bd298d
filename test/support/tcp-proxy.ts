import { once } from 'node:events';
import net from 'node:net';

/**
 * How the proxy treats connections: `forward` passes them to the target; `refuse` closes its port
 * (ECONNREFUSED); `blackhole` accepts and never answers (a connect timeout). Leaving `forward`
 * cuts every open connection, as a server that went away would.
 */
export type ProxyMode = 'forward' | 'refuse' | 'blackhole';

export interface TcpProxy {
  port: number;
  setMode(mode: ProxyMode): Promise<void>;
  close(): Promise<void>;
}

/** A TCP proxy on 127.0.0.1 in front of `target`, to take a server away and bring it back. */
export async function startTcpProxy(target: { host: string; port: number }): Promise<TcpProxy> {
  let mode: ProxyMode = 'forward';
  const sockets = new Set<net.Socket>();
  const server = net.createServer((client) => {
    sockets.add(client);
    client.on('close', () => sockets.delete(client));
    client.on('error', () => undefined);
    if (mode === 'blackhole') return;
    const upstream = net.connect(target.port, target.host);
    sockets.add(upstream);
    upstream.on('close', () => sockets.delete(upstream));
    upstream.on('error', () => client.destroy());
    client.on('error', () => upstream.destroy());
    client.on('close', () => upstream.destroy());
    upstream.on('close', () => client.destroy());
    client.pipe(upstream).pipe(client);
  });
  server.listen(0, '127.0.0.1');
  await once(server, 'listening');
  const port = (server.address() as net.AddressInfo).port;
  const cutAll = (): void => {
    for (const socket of sockets) socket.destroy();
  };

  return {
    port,
    setMode: async (next) => {
      if (next === mode) return;
      const wasListening = mode !== 'refuse';
      mode = next;
      cutAll();
      if (next === 'refuse' && wasListening) {
        await new Promise<void>((resolve) => server.close(() => resolve()));
      } else if (next !== 'refuse' && !wasListening) {
        server.listen(port, '127.0.0.1');
        await once(server, 'listening');
      }
    },
    close: async () => {
      cutAll();
      if (server.listening) await new Promise<void>((resolve) => server.close(() => resolve()));
    },
  };
}
