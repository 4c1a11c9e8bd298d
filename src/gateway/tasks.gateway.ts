import { type OnApplicationShutdown, UseFilters, UsePipes } from '@nestjs/common';
import {
  ConnectedSocket,
  MessageBody,
  type OnGatewayConnection,
  type OnGatewayDisconnect,
  type OnGatewayInit,
  SubscribeMessage,
  WebSocketGateway,
} from '@nestjs/websockets';
import type { Namespace, Socket } from 'socket.io';
import { ApiKeysService } from '../auth/api-keys.service.js';
import { KeyAuthenticator } from '../auth/key-authenticator.js';
import { AppConfig } from '../config/app-config.js';
import { ProblemException, problemOf } from '../http/problem.js';
import { toProblem } from '../http/to-problem.js';
import { createValidationPipe } from '../http/validation.js';
import { ContextLogger, InjectLogger } from '../logging/logger.js';
import { TaskEventsListener } from '../tasks/task-events.listener.js';
import { TasksService } from '../tasks/tasks.service.js';
import { type Ack, SubscribeDto } from './gateway.dto.js';
import { GatewayMetrics } from './gateway.metrics.js';
import { GatewayReads } from './gateway-reads.js';
import { ProblemAckFilter } from './problem-ack.filter.js';
import { SocketSession } from './socket-session.js';
import { decodePosition } from './stream-position.js';
import { READ_PAGE, TaskEventFeed } from './task-event-feed.js';
import { TenantStream } from './tenant-stream.js';

export { TASK_EVENT } from './socket-session.js';

/** How often connected keys are checked again: a revoked key is dropped within this time. */
const REVOCATION_SWEEP_MS = 5_000;

/**
 * Socket.IO namespace `/tasks`: authenticated at the handshake, subscriptions by task or tenant,
 * events from the log then live. Each connection has a message budget and a cap on its
 * subscriptions; the feeds read through GatewayReads' own pool. It only emits: payloads are
 * checked by the ValidationPipe, who sees a task by TasksService, and every refusal is a problem
 * in the ack (ProblemAckFilter), mapped as HTTP maps its errors.
 */
@WebSocketGateway({ namespace: 'tasks' })
// The app's global pipe is the same one; this makes the gateway's checks its own.
@UsePipes(createValidationPipe())
@UseFilters(ProblemAckFilter)
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
    private readonly tasks: TasksService,
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
        (error: unknown) => next(this.refusal(error)),
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
    const session = sessions.get(socket);
    if (!session) return;
    this.metrics.subscriptions.dec(session.subscriptions);
    session.close();
    this.feed.remove(session.feed);
    if (session.follower) this.stream.unfollow(session.follower);
  }

  @SubscribeMessage('subscribe')
  async subscribe(
    @ConnectedSocket() socket: Socket,
    @MessageBody() dto: SubscribeDto,
  ): Promise<Ack> {
    const session = sessionOf(socket);
    return dto.all ? this.subscribeAll(session, dto) : this.subscribeTask(session, dto);
  }

  @SubscribeMessage('unsubscribe')
  unsubscribe(@ConnectedSocket() socket: Socket, @MessageBody() dto: SubscribeDto): Ack {
    const session = sessionOf(socket);
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
    // Checked by the DTO: a position this feed gave.
    const after = dto.after === undefined ? undefined : decodePosition(dto.after);
    if (session.follower) this.stream.unfollow(session.follower);
    else this.takeRoom(session);
    const follower = session.newFollower();
    const position = await this.stream.follow(follower, after);
    // Gone while its start was read: handleDisconnect ran before it was placed.
    if (!session.socket.connected) this.stream.unfollow(follower);
    return { ok: true, position };
  }

  private async subscribeTask(session: SocketSession, dto: SubscribeDto): Promise<Ack> {
    const taskId = dto.taskId ?? '';
    const known = session.feed.lastSent.has(taskId);
    if (!known) this.checkRoom(session);
    this.tasks.assertVisible(session.caller, taskId, await this.reads.tenantOf(taskId));
    if (known) this.feed.unsubscribe(session.feed, taskId);
    else this.metrics.subscriptions.inc();
    this.feed.subscribe(session.feed, taskId, dto.afterSeq ?? 0);
    return { ok: true };
  }

  /** Throws the 409 when the connection holds as many subscriptions as it may. */
  private checkRoom(session: SocketSession): void {
    const max = this.config.gateway.maxSubscriptions;
    if (session.subscriptions < max) return;
    throw new ProblemException({
      status: 409,
      detail: `This connection holds ${max} subscriptions, the most it may (GATEWAY_MAX_SUBSCRIPTIONS); unsubscribe first.`,
    });
  }

  private takeRoom(session: SocketSession): void {
    this.checkRoom(session);
    this.metrics.subscriptions.inc();
  }

  private async authenticate(socket: Socket): Promise<void> {
    const key = keyOf(socket);
    if (!key) {
      throw new ProblemException({
        status: 401,
        detail: 'Connect with auth: { token: <API key> }.',
      });
    }
    const caller = await this.authenticator.authenticate(key, socket.handshake.address);
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

  /** A refused handshake: Socket.IO sends the error's message, and its `data` the problem. */
  private refusal(error: unknown): Error {
    const { problem, unexpected } = toProblem(error);
    if (unexpected) this.logger.error({ err: error }, 'socket handshake failed unexpectedly');
    const message = problem.status === 401 ? 'unauthorized' : problem.title;
    return Object.assign(new Error(message), { data: problem });
  }

  /** Every message spends from the connection's budget; past it, an error ack, then the door. */
  private limit(session: SocketSession, packet: unknown[], next: (error?: Error) => void): void {
    if (session.limiter.take()) return next();
    const ack = packet.at(-1);
    if (typeof ack === 'function') {
      const error = problemOf({
        status: 429,
        detail: 'Too many messages on this connection; slow down.',
        extensions: { retryAfter: session.limiter.retryAfterS },
      });
      (ack as (answer: Ack) => void)({ ok: false, error });
    }
    if (session.limiter.abusive) {
      session.socket.emit(
        'error',
        problemOf({ status: 429, detail: 'Too many messages on this connection: it was closed.' }),
      );
      session.socket.disconnect(true);
    }
  }

  private async dropRevoked(namespace: Namespace): Promise<void> {
    for (const socket of namespace.sockets.values()) {
      const session = sessions.get(socket);
      if (session && !(await this.keys.authenticate(session.key))) {
        socket.emit('error', problemOf({ status: 401, detail: 'The API key has been revoked.' }));
        socket.disconnect(true);
      }
    }
  }
}

const sessions = new WeakMap<Socket, SocketSession>();

/** The connection's session; every socket past the handshake has one. */
function sessionOf(socket: Socket): SocketSession {
  const session = sessions.get(socket);
  if (!session) throw new Error('a socket without a session');
  return session;
}

function keyOf(socket: Socket): string | undefined {
  const auth = socket.handshake.auth as { token?: unknown };
  if (typeof auth.token === 'string' && auth.token) return auth.token;
  return /^Bearer\s+(\S+)$/i.exec(socket.handshake.headers.authorization ?? '')?.[1];
}
