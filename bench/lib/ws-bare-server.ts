// The reference of bench:ws: a bare Socket.IO server (one Node process, as the service is) with
// the same /tasks namespace, subscribe messages and `task.event` shape, whose "tasks" are timers
// shaped like the sleep task (started, 20 progress events over ms, succeeded) and whose `at` is
// the time of emission: what Socket.IO itself costs on this machine, with no database behind it.
import { randomUUID } from 'node:crypto';
import { createServer } from 'node:http';
import { Server, type Socket } from 'socket.io';

export type BareCommand =
  /** One task per entry, of that many ms. */
  { type: 'prepare'; ms: number[] } | { type: 'start' } | { type: 'counts' };

export type BareReply =
  | { type: 'listening'; port: number }
  | { type: 'prepared'; ids: string[] }
  | { type: 'started' }
  | { type: 'counts'; counts: [string, number][] };

const STEPS = 20;
const http = createServer();
const io = new Server(http, { transports: ['websocket'], serveClient: false });
const byTask = new Map<string, Set<Socket>>();
const following = new Set<Socket>();
const written = new Map<string, number>();
let plan: { ids: string[]; ms: number[] } = { ids: [], ms: [] };

function reply(message: BareReply): void {
  process.send?.(message);
}

io.of('/tasks').on('connection', (socket) => {
  socket.on('subscribe', (body: { taskId?: string; all?: boolean }, ack: (a: unknown) => void) => {
    if (body.all) following.add(socket);
    else if (body.taskId) {
      const set = byTask.get(body.taskId) ?? new Set<Socket>();
      set.add(socket);
      byTask.set(body.taskId, set);
    }
    ack({ ok: true });
  });
  socket.on('disconnect', () => {
    following.delete(socket);
    for (const set of byTask.values()) set.delete(socket);
  });
});

function emit(taskId: string, kind: string, data: unknown): void {
  const seq = (written.get(taskId) ?? 1) + 1;
  written.set(taskId, seq);
  const event = { taskId, seq, kind, at: new Date().toISOString(), data };
  for (const socket of byTask.get(taskId) ?? []) socket.emit('task.event', event);
  for (const socket of following) socket.emit('task.event', event);
}

function run(taskId: string, ms: number): void {
  emit(taskId, 'started', { attempt: 1 });
  const step = ms / STEPS;
  let i = 0;
  const timer = setInterval(() => {
    i += 1;
    emit(taskId, 'progress', { percent: (i * 100) / STEPS, message: `slept ${i * step} ms` });
    if (i < STEPS) return;
    clearInterval(timer);
    emit(taskId, 'succeeded', { result: { sleptMs: ms } });
  }, step);
}

process.on('message', (command: BareCommand) => {
  switch (command.type) {
    case 'prepare':
      plan = { ids: command.ms.map(() => randomUUID()), ms: command.ms };
      reply({ type: 'prepared', ids: plan.ids });
      return;
    case 'start':
      plan.ids.forEach((id, i) => run(id, plan.ms[i]));
      reply({ type: 'started' });
      return;
    case 'counts':
      reply({ type: 'counts', counts: [...written].map(([id, seq]) => [id, seq - 1]) });
      return;
  }
});
process.on('disconnect', () => process.exit(0));

http.listen(0, '127.0.0.1', () => {
  const address = http.address();
  reply({ type: 'listening', port: typeof address === 'object' && address ? address.port : 0 });
});
