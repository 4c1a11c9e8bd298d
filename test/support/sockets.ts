import { io, type Socket } from 'socket.io-client';
import type { TaskEvent } from '../../src/client/follow-task.js';

export type Ack =
  { ok: true } | { ok: false; error: { type: string; status: number; detail: string } };

/** A connected client of the `/tasks` namespace, recording every task event it receives. */
export interface TestSocket {
  socket: Socket;
  events: TaskEvent[];
  subscribe(payload: unknown): Promise<Ack>;
  close(): void;
}

export function connectTasks(
  baseUrl: string,
  auth: { token?: string; header?: string },
): Promise<TestSocket> {
  const socket = io(`${baseUrl}/tasks`, {
    auth: auth.token ? { token: auth.token } : {},
    extraHeaders: auth.header ? { Authorization: auth.header } : {},
    transports: ['websocket'],
    reconnection: false,
  });
  const events: TaskEvent[] = [];
  socket.on('task.event', (event: TaskEvent) => events.push(event));
  return new Promise((resolve, reject) => {
    socket.once('connect', () =>
      resolve({
        socket,
        events,
        subscribe: (payload) => socket.emitWithAck('subscribe', payload) as Promise<Ack>,
        close: () => socket.close(),
      }),
    );
    socket.once('connect_error', (error) => {
      socket.close();
      reject(error);
    });
  });
}
