import { type OnApplicationShutdown, UseFilters } from '@nestjs/common';
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
import { AppConfig } from '../config/app-config.js';
import { ProblemException } from '../http/problem.js';
import { ContextLogger, InjectLogger } from '../logging/logger.js';
import { TaskEventsListener } from '../tasks/task-events.listener.js';
import { TasksService } from '../tasks/tasks.service.js';
import { type Ack, SubscribeDto } from './gateway.dto.js';
import { GatewayMetrics } from './gateway.metrics.js';
import { GatewayReads } from './gateway-reads.js';
import { ProblemAckFilter } from './problem-ack.filter.js';
import { SocketAdmission } from './socket-admission.js';
import type { SocketSession } from './socket-session.js';
import { decodePosition } from './stream-position.js';
import { READ_PAGE, TaskEventFeed } from './task-event-feed.js';
import { TenantStream } from './tenant-stream.js';

export { TASK_EVENT } from './socket-session.js';

/**
 * Socket.IO namespace `/tasks`: subscriptions by task or tenant, events from the log then live.
 * SocketAdmission lets connections in (API key, message budget); the feeds read through
 * GatewayReads' own pool. It only emits: payloads are checked by the app's global ValidationPipe, who sees a
 * task by TasksService, and every refusal is a problem in the ack (ProblemAckFilter), mapped as
 * HTTP maps its errors.
 */
@WebSocketGateway({ namespace: 'tasks' })
@UseFilters(ProblemAckFilter)
export class TasksGateway
  implements OnGatewayInit, OnGatewayConnection, OnGatewayDisconnect, OnApplicationShutdown
{
  private readonly feed: TaskEventFeed;
  private readonly stream: TenantStream;
  private namespace?: Namespace;
  private unlisten?: () => void;

  constructor(
    private readonly admission: SocketAdmission,
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
    this.admission.guard(namespace, (drained) => {
      if (drained.follower) this.stream.resume(drained.follower);
    });
    this.unlisten = this.listener.onEvent((taskId) => {
      this.feed.notify(taskId);
      this.stream.wake();
    });
  }

  onApplicationShutdown(): void {
    this.unlisten?.();
  }

  handleConnection(): void {
    this.metrics.clients.inc();
  }

  handleDisconnect(socket: Socket): void {
    this.metrics.clients.dec();
    this.metrics.disconnects.inc();
    const session = this.admission.sessionOf(socket);
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
    const session = this.sessionOf(socket);
    return dto.all ? this.subscribeAll(session, dto) : this.subscribeTask(session, dto);
  }

  @SubscribeMessage('unsubscribe')
  unsubscribe(@ConnectedSocket() socket: Socket, @MessageBody() dto: SubscribeDto): Ack {
    const session = this.sessionOf(socket);
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

  private sessionOf(socket: Socket): SocketSession {
    const session = this.admission.sessionOf(socket);
    if (!session) throw new Error('a socket without a session');
    return session;
  }
}
