import type { OnApplicationShutdown } from '@nestjs/common';
import {
  ConnectedSocket,
  MessageBody,
  type OnGatewayConnection,
  type OnGatewayDisconnect,
  type OnGatewayInit,
  SubscribeMessage,
  WebSocketGateway,
} from '@nestjs/websockets';
import { plainToInstance } from 'class-transformer';
import { validate } from 'class-validator';
import type { Namespace, Socket } from 'socket.io';
import type { Caller } from '../auth/api-key.js';
import { ApiKeysService } from '../auth/api-keys.service.js';
import { KeyAuthenticator } from '../auth/key-authenticator.js';
import { flattenValidationErrors } from '../http/validation.js';
import { TaskEventsListener } from '../tasks/task-events.listener.js';
import { toEventView } from '../tasks/task.js';
import { TasksRepository } from '../tasks/tasks.repository.js';
import { GatewayMetrics } from './gateway.metrics.js';
import { type DeliveredEvent, ProgressHold } from './progress-hold.js';
import { SubscribeDto } from './gateway.dto.js';
import { type FeedClient, READ_PAGE, TaskEventFeed } from './task-event-feed.js';

/** The one server event: `task.event` with `{taskId, seq, kind, at, data}`. */
export const TASK_EVENT = 'task.event';
/** How often connected keys are checked again: a revoked key is dropped within this time. */
const REVOCATION_SWEEP_MS = 5_000;
/** Packets waiting on a client's connection past which its progress events are merged. */
const MAX_UNSENT_PACKETS = 64;

type Ack = { ok: true; replayed?: number } | { ok: false; error: Record<string, unknown> };

interface SocketState {
  caller: Caller;
  key: string;
  feed: FeedClient;
}

/**
 * Socket.IO namespace `/tasks`: authenticated at the handshake, subscriptions by task or tenant,
 * events from the log then live. It only emits: the rules live in the feed and the services.
 */
@WebSocketGateway({ namespace: 'tasks' })
export class TasksGateway
  implements OnGatewayInit, OnGatewayConnection, OnGatewayDisconnect, OnApplicationShutdown
{
  private readonly feed: TaskEventFeed;
  private namespace?: Namespace;
  private unlisten?: () => void;
  private sweep?: NodeJS.Timeout;

  constructor(
    private readonly keys: ApiKeysService,
    private readonly authenticator: KeyAuthenticator,
    private readonly tasks: TasksRepository,
    private readonly listener: TaskEventsListener,
    private readonly metrics: GatewayMetrics,
  ) {
    this.feed = new TaskEventFeed(async (taskId, afterSeq) =>
      (await this.tasks.eventsWithTenant(taskId, afterSeq, READ_PAGE)).map((row) => ({
        ...toEventView(row),
        tenant: row.tenant,
      })),
    );
  }

  afterInit(namespace: Namespace): void {
    this.namespace = namespace;
    namespace.use((socket, next) => {
      this.authenticate(socket).then(
        () => next(),
        (error: Error) => next(error),
      );
    });
    this.unlisten = this.listener.onEvent((taskId, seq) => this.feed.notify(taskId, seq));
    this.sweep = setInterval(() => void this.dropRevoked(namespace), REVOCATION_SWEEP_MS);
    this.sweep.unref();
  }

  onApplicationShutdown(): void {
    this.unlisten?.();
    clearInterval(this.sweep);
  }

  handleConnection(): void {
    this.metrics.clients.inc();
  }

  handleDisconnect(socket: Socket): void {
    this.metrics.clients.dec();
    const state = stateOf(socket);
    if (!state) return;
    this.metrics.subscriptions.dec(state.feed.tasks.size + (state.feed.all ? 1 : 0));
    this.feed.remove(state.feed);
  }

  @SubscribeMessage('subscribe')
  async subscribe(@ConnectedSocket() socket: Socket, @MessageBody() body: unknown): Promise<Ack> {
    const state = stateOf(socket);
    const dto = await checked(body);
    if (!state || !('taskId' in dto || 'all' in dto)) return invalid(dto);
    if (dto.all) {
      if (!state.feed.all) this.metrics.subscriptions.inc();
      this.feed.subscribeAll(state.feed);
      return { ok: true };
    }
    const taskId = dto.taskId ?? '';
    const task = await this.tasks.find(
      taskId,
      state.caller.role === 'admin' ? undefined : state.caller.tenant,
    );
    if (!task) {
      return { ok: false, error: problem(404, 'not-found', `There is no task with id ${taskId}.`) };
    }
    if (!state.feed.tasks.has(taskId)) this.metrics.subscriptions.inc();
    await this.feed.subscribe(state.feed, taskId, dto.afterSeq ?? 0);
    return { ok: true };
  }

  @SubscribeMessage('unsubscribe')
  async unsubscribe(@ConnectedSocket() socket: Socket, @MessageBody() body: unknown): Promise<Ack> {
    const state = stateOf(socket);
    const dto = await checked(body);
    if (!state || !('taskId' in dto || 'all' in dto)) return invalid(dto);
    const had = dto.all ? state.feed.all : state.feed.tasks.has(dto.taskId ?? '');
    if (had) this.metrics.subscriptions.dec();
    this.feed.unsubscribe(state.feed, dto.all ? undefined : dto.taskId);
    return { ok: true };
  }

  private async authenticate(socket: Socket): Promise<void> {
    const key = keyOf(socket);
    const caller = key
      ? await this.authenticator.forHandshake(key, socket.handshake.address)
      : undefined;
    if (!caller || !key) {
      throw Object.assign(new Error('unauthorized'), {
        data: problem(
          401,
          'unauthorized',
          key
            ? 'The API key is not known or has been revoked.'
            : 'Connect with auth: { token: <API key> }.',
        ),
      });
    }
    // Events sent since the connection last drained (wrote out everything it had).
    let unsent = 0;
    const hold = new ProgressHold(
      (event) => {
        unsent++;
        this.emit(socket, event);
      },
      () => unsent >= MAX_UNSENT_PACKETS,
    );
    socket.conn.on('drain', () => {
      unsent = 0;
      hold.drain();
    });
    const feed: FeedClient = {
      tenant: caller.tenant,
      admin: caller.role === 'admin',
      lastSent: new Map(),
      tasks: new Set(),
      all: false,
      send: (event) => hold.deliver(event),
    };
    const state: SocketState = { caller, key, feed };
    socket.data = state;
  }

  private emit(socket: Socket, event: DeliveredEvent): void {
    socket.emit(TASK_EVENT, event);
    this.metrics.eventsEmitted.inc();
    this.metrics.emitDelay.observe(Math.max(0, Date.now() - new Date(event.at).getTime()) / 1000);
  }

  private async dropRevoked(namespace: Namespace): Promise<void> {
    for (const socket of namespace.sockets.values()) {
      const state = stateOf(socket);
      if (state && !(await this.keys.authenticate(state.key))) {
        socket.emit('error', problem(401, 'unauthorized', 'The API key has been revoked.'));
        socket.disconnect(true);
      }
    }
  }
}

function stateOf(socket: Socket): SocketState | undefined {
  return (socket.data as Partial<SocketState>).caller ? (socket.data as SocketState) : undefined;
}

function keyOf(socket: Socket): string | undefined {
  const auth = socket.handshake.auth as { token?: unknown };
  if (typeof auth.token === 'string' && auth.token) return auth.token;
  return /^Bearer\s+(\S+)$/i.exec(socket.handshake.headers.authorization ?? '')?.[1];
}

async function checked(
  body: unknown,
): Promise<SubscribeDto | { errors: ReturnType<typeof flattenValidationErrors> }> {
  if (typeof body !== 'object' || body === null || Array.isArray(body)) {
    return { errors: [{ field: '', messages: ['the payload must be an object'] }] };
  }
  const dto = plainToInstance(SubscribeDto, body);
  const errors = await validate(dto, { whitelist: true, forbidNonWhitelisted: true });
  return errors.length > 0 ? { errors: flattenValidationErrors(errors) } : dto;
}

function invalid(
  result: SubscribeDto | { errors: ReturnType<typeof flattenValidationErrors> },
): Ack {
  const errors = 'errors' in result ? result.errors : [];
  return {
    ok: false,
    error: problem(
      422,
      'validation-failed',
      'The payload is invalid: give taskId (and afterSeq) or all: true.',
      { errors },
    ),
  };
}

function problem(
  status: number,
  slug: string,
  detail: string,
  extra: Record<string, unknown> = {},
) {
  return {
    type: `urn:taskyard:problem:${slug}`,
    title: slug.replaceAll('-', ' '),
    status,
    detail,
    ...extra,
  };
}
