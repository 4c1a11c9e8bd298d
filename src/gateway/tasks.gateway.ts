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
import { ApiKeysService } from '../auth/api-keys.service.js';
import { KeyAuthenticator } from '../auth/key-authenticator.js';
import { AppConfig } from '../config/app-config.js';
import { flattenValidationErrors } from '../http/validation.js';
import { ContextLogger, InjectLogger } from '../logging/logger.js';
import { TaskEventsListener } from '../tasks/task-events.listener.js';
import { GatewayMetrics } from './gateway.metrics.js';
import { gatewayProblem } from './gateway-problem.js';
import { GatewayBusyError, GatewayReads } from './gateway-reads.js';
import { SubscribeDto } from './gateway.dto.js';
import { SocketSession } from './socket-session.js';
import { decodePosition } from './stream-position.js';
import { READ_PAGE, TaskEventFeed } from './task-event-feed.js';
import { TenantStream } from './tenant-stream.js';

export { TASK_EVENT } from './socket-session.js';

/** How often connected keys are checked again: a revoked key is dropped within this time. */
const REVOCATION_SWEEP_MS = 5_000;

type Ack =
  { ok: true; position?: string } | { ok: false; error: ReturnType<typeof gatewayProblem> };
type Checked = SubscribeDto | { errors: ReturnType<typeof flattenValidationErrors> };

/**
 * Socket.IO namespace `/tasks`: authenticated at the handshake, subscriptions by task or tenant,
 * events from the log then live. Each connection has a message budget and a cap on its
 * subscriptions; the feeds read through GatewayReads' own pool. It only emits: the rules live in
 * the feeds and the services.
 */
@WebSocketGateway({ namespace: 'tasks' })
export class TasksGateway
  implements OnGatewayInit, OnGatewayConnection, OnGatewayDisconnect, OnApplicationShutdown
{
  private readonly feed: TaskEventFeed;
  private readonly stream: TenantStream;
  private namespace?: Namespace;
  private unlisten?: () => void;
  private sweep?: NodeJS.Timeout;

  constructor(
    private readonly keys: ApiKeysService,
    private readonly authenticator: KeyAuthenticator,
    private readonly reads: GatewayReads,
    private readonly listener: TaskEventsListener,
    private readonly metrics: GatewayMetrics,
    private readonly config: AppConfig,
    @InjectLogger('gateway') private readonly logger: ContextLogger,
  ) {
    const onError = (error: unknown) => this.logger.warn({ err: error }, 'live feed read failed');
    this.feed = new TaskEventFeed(
      (taskId, afterSeq, limit) => this.reads.taskPage(taskId, afterSeq, limit),
      onError,
    );
    this.stream = new TenantStream(this.reads, READ_PAGE, onError);
  }

  afterInit(namespace: Namespace): void {
    this.namespace = namespace;
    namespace.use((socket, next) => {
      this.authenticate(socket).then(
        () => next(),
        (error: Error) => next(error),
      );
    });
    this.unlisten = this.listener.onEvent((taskId) => {
      this.feed.notify(taskId);
      this.stream.wake();
    });
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
    const session = sessionOf(socket);
    if (!session) return;
    this.metrics.subscriptions.dec(session.subscriptions);
    session.close();
    this.feed.remove(session.feed);
    if (session.follower) this.stream.unfollow(session.follower);
  }

  @SubscribeMessage('subscribe')
  async subscribe(@ConnectedSocket() socket: Socket, @MessageBody() body: unknown): Promise<Ack> {
    const session = sessionOf(socket);
    const dto = await checked(body);
    if (!session || 'errors' in dto) return invalid(dto);
    try {
      return dto.all
        ? await this.subscribeAll(session, dto)
        : await this.subscribeTask(session, dto);
    } catch (error) {
      if (!(error instanceof GatewayBusyError)) throw error;
      return refused(503, 'The live feed is busy; subscribe again shortly.', { retryAfter: 1 });
    }
  }

  @SubscribeMessage('unsubscribe')
  async unsubscribe(@ConnectedSocket() socket: Socket, @MessageBody() body: unknown): Promise<Ack> {
    const session = sessionOf(socket);
    const dto = await checked(body);
    if (!session || 'errors' in dto) return invalid(dto);
    if (dto.all && session.follower) {
      this.stream.unfollow(session.follower);
      session.follower = undefined;
      this.metrics.subscriptions.dec();
    } else if (dto.taskId && session.feed.lastSent.has(dto.taskId)) {
      this.feed.unsubscribe(session.feed, dto.taskId);
      this.metrics.subscriptions.dec();
    }
    return { ok: true };
  }

  private async subscribeAll(session: SocketSession, dto: SubscribeDto): Promise<Ack> {
    const after = dto.after === undefined ? undefined : decodePosition(dto.after);
    if (dto.afterSeq !== undefined || (dto.after !== undefined && !after)) {
      return invalid({ errors: [{ field: 'after', messages: ['not a position this feed gave'] }] });
    }
    if (session.follower) this.stream.unfollow(session.follower);
    else if (!this.roomFor(session)) return tooMany(this.config.gateway.maxSubscriptions);
    else this.metrics.subscriptions.inc();
    const follower = session.newFollower();
    const position = await this.stream.follow(follower, after);
    // Gone while its start was read: handleDisconnect ran before it was placed.
    if (!session.socket.connected) this.stream.unfollow(follower);
    return { ok: true, position };
  }

  private async subscribeTask(session: SocketSession, dto: SubscribeDto): Promise<Ack> {
    const taskId = dto.taskId ?? '';
    if (dto.after !== undefined) {
      return invalid({ errors: [{ field: 'after', messages: ['after goes with all: true'] }] });
    }
    const known = session.feed.lastSent.has(taskId);
    if (!known && !this.roomFor(session)) return tooMany(this.config.gateway.maxSubscriptions);
    const admin = session.caller.role === 'admin';
    if (!(await this.reads.findTask(taskId, admin ? undefined : session.caller.tenant))) {
      return refused(404, `There is no task with id ${taskId}.`);
    }
    if (known) this.feed.unsubscribe(session.feed, taskId);
    else this.metrics.subscriptions.inc();
    this.feed.subscribe(session.feed, taskId, dto.afterSeq ?? 0);
    return { ok: true };
  }

  private roomFor(session: SocketSession): boolean {
    return session.subscriptions < this.config.gateway.maxSubscriptions;
  }

  private async authenticate(socket: Socket): Promise<void> {
    const key = keyOf(socket);
    const caller = key
      ? await this.authenticator.forHandshake(key, socket.handshake.address)
      : undefined;
    if (!caller || !key) {
      throw Object.assign(new Error('unauthorized'), {
        data: gatewayProblem(
          401,
          key
            ? 'The API key is not known or has been revoked.'
            : 'Connect with auth: { token: <API key> }.',
        ),
      });
    }
    const { gateway } = this.config;
    const session = new SocketSession(
      socket,
      caller,
      key,
      {
        perSecond: gateway.messagesPerSecond,
        burst: gateway.messageBurst,
        abuseLimit: gateway.abuseLimit,
      },
      (event) => {
        this.metrics.eventsEmitted.inc();
        this.metrics.emitDelay.observe(
          Math.max(0, Date.now() - new Date(event.at).getTime()) / 1000,
        );
      },
      (drained) => {
        if (drained.follower) this.stream.resume(drained.follower);
      },
    );
    socket.use((packet, next) => this.limit(session, packet, next));
    sessions.set(socket, session);
    // What other nodes see of it (fetchSockets sends `data` across): plain values only.
    socket.data = { tenant: caller.tenant, role: caller.role };
  }

  /** Every message spends from the connection's budget; past it, an error ack, then the door. */
  private limit(session: SocketSession, packet: unknown[], next: (error?: Error) => void): void {
    if (session.limiter.take()) return next();
    const ack = packet.at(-1);
    if (typeof ack === 'function') {
      const retryAfter = session.limiter.retryAfterS;
      (ack as (answer: Ack) => void)(
        refused(429, 'Too many messages on this connection; slow down.', { retryAfter }),
      );
    }
    if (session.limiter.abusive) {
      session.socket.emit(
        'error',
        gatewayProblem(429, 'Too many messages on this connection: it was closed.'),
      );
      session.socket.disconnect(true);
    }
  }

  private async dropRevoked(namespace: Namespace): Promise<void> {
    for (const socket of namespace.sockets.values()) {
      const session = sessionOf(socket);
      if (session && !(await this.keys.authenticate(session.key))) {
        socket.emit('error', gatewayProblem(401, 'The API key has been revoked.'));
        socket.disconnect(true);
      }
    }
  }
}

const sessions = new WeakMap<Socket, SocketSession>();

function sessionOf(socket: Socket): SocketSession | undefined {
  return sessions.get(socket);
}

function keyOf(socket: Socket): string | undefined {
  const auth = socket.handshake.auth as { token?: unknown };
  if (typeof auth.token === 'string' && auth.token) return auth.token;
  return /^Bearer\s+(\S+)$/i.exec(socket.handshake.headers.authorization ?? '')?.[1];
}

async function checked(body: unknown): Promise<Checked> {
  if (typeof body !== 'object' || body === null || Array.isArray(body)) {
    return { errors: [{ field: '', messages: ['the payload must be an object'] }] };
  }
  const dto = plainToInstance(SubscribeDto, body);
  const errors = await validate(dto, { whitelist: true, forbidNonWhitelisted: true });
  if (errors.length > 0) return { errors: flattenValidationErrors(errors) };
  if (!('taskId' in dto || 'all' in dto)) {
    return { errors: [{ field: '', messages: ['give taskId or all: true'] }] };
  }
  return dto;
}

function invalid(result: Checked): Ack {
  const errors = 'errors' in result ? result.errors : [];
  return refused(
    422,
    'The payload is invalid: give taskId (and afterSeq), or all: true (and after).',
    { errors },
  );
}

function tooMany(max: number): Ack {
  return refused(
    409,
    `This connection holds ${max} subscriptions, the most it may (GATEWAY_MAX_SUBSCRIPTIONS); unsubscribe first.`,
  );
}

function refused(status: number, detail: string, extensions: Record<string, unknown> = {}): Ack {
  return { ok: false, error: gatewayProblem(status, detail, extensions) };
}
