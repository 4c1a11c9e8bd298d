import { Injectable, type OnApplicationShutdown } from '@nestjs/common';
import type { Namespace, Socket } from 'socket.io';
import { ApiKeysService } from '../auth/api-keys.service.js';
import { KeyAuthenticator } from '../auth/key-authenticator.js';
import { AppConfig } from '../config/app-config.js';
import { ProblemException, problemOf } from '../http/problem.js';
import { toProblem } from '../http/to-problem.js';
import { ContextLogger, InjectLogger } from '../logging/logger.js';
import type { TaskEventView } from '../tasks/task.js';
import type { Ack } from './gateway.dto.js';
import { GatewayMetrics } from './gateway.metrics.js';
import { SocketSession } from './socket-session.js';

/** How often connected keys are checked again: a revoked key is dropped within this time. */
const REVOCATION_SWEEP_MS = 5_000;

/**
 * Who may hold a connection to `/tasks`, and on what terms: the API key is checked at the
 * handshake (a refusal is `connect_error` with the problem in `data`); each connection gets a
 * SocketSession with its message budget (past it an error ack, then the door); connected keys are
 * checked again every 5 s and a revoked key's sockets dropped.
 */
@Injectable()
export class SocketAdmission implements OnApplicationShutdown {
  private readonly sessions = new WeakMap<Socket, SocketSession>();
  private sweep?: NodeJS.Timeout;

  constructor(
    private readonly keys: ApiKeysService,
    private readonly authenticator: KeyAuthenticator,
    private readonly metrics: GatewayMetrics,
    private readonly config: AppConfig,
    @InjectLogger('gateway') private readonly logger: ContextLogger,
  ) {}

  /** Admits every socket of the namespace with a session, or refuses it. */
  guard(namespace: Namespace, onDrain: (session: SocketSession) => void): void {
    namespace.use((socket, next) => {
      this.admit(socket, onDrain).then(
        () => next(),
        (error: unknown) => next(this.refusal(error)),
      );
    });
    this.sweep = setInterval(() => void this.dropRevoked(namespace), REVOCATION_SWEEP_MS);
    this.sweep.unref();
  }

  onApplicationShutdown(): void {
    clearInterval(this.sweep);
  }

  /** The socket's session: every admitted socket has one. */
  sessionOf(socket: Socket): SocketSession | undefined {
    return this.sessions.get(socket);
  }

  private async admit(socket: Socket, onDrain: (session: SocketSession) => void): Promise<void> {
    const key = keyOf(socket);
    if (!key) {
      throw new ProblemException({
        status: 401,
        detail: 'Connect with auth: { token: <API key> }.',
      });
    }
    const caller = await this.authenticator.authenticate(key, socket.handshake.address);
    const { gateway } = this.config;
    const limits = {
      perSecond: gateway.messagesPerSecond,
      burst: gateway.messageBurst,
      abuseLimit: gateway.abuseLimit,
    };
    const emitted = (event: TaskEventView) => {
      this.metrics.eventsEmitted.inc();
      this.metrics.emitDelay.observe(Math.max(0, Date.now() - new Date(event.at).getTime()) / 1000);
    };
    const session = new SocketSession(socket, caller, key, limits, emitted, onDrain);
    socket.use((packet, next) => this.limit(session, packet, next));
    this.sessions.set(socket, session);
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
    this.metrics.messagesRefused.inc();
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
      if (session.socket.connected) this.metrics.dropped.inc({ reason: 'flood' });
      session.socket.disconnect(true);
    }
  }

  private async dropRevoked(namespace: Namespace): Promise<void> {
    for (const socket of namespace.sockets.values()) {
      const session = this.sessions.get(socket);
      if (session && !(await this.keys.authenticate(session.key))) {
        socket.emit('error', problemOf({ status: 401, detail: 'The API key has been revoked.' }));
        this.metrics.dropped.inc({ reason: 'revoked' });
        socket.disconnect(true);
      }
    }
  }
}

function keyOf(socket: Socket): string | undefined {
  const auth = socket.handshake.auth as { token?: unknown };
  if (typeof auth.token === 'string' && auth.token) return auth.token;
  return /^Bearer\s+(\S+)$/i.exec(socket.handshake.headers.authorization ?? '')?.[1];
}
