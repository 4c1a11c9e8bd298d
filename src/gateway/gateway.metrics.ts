import { Injectable } from '@nestjs/common';
import { Counter, Gauge, Histogram } from 'prom-client';
import { MetricsRegistry } from '../metrics/metrics.registry.js';

/** Why the gateway closed a connection itself. */
export type DropReason = 'flood' | 'revoked';

/** The live feed's figures on /metrics. */
@Injectable()
export class GatewayMetrics {
  readonly clients: Gauge;
  readonly subscriptions: Gauge;
  readonly eventsEmitted: Counter;
  readonly emitDelay: Histogram;
  readonly messagesRefused: Counter;
  readonly disconnects: Counter;
  readonly dropped: Counter<'reason'>;

  constructor(registry: MetricsRegistry) {
    const registers = [registry];
    this.clients = new Gauge({
      name: 'taskyard_gateway_clients',
      help: 'Socket.IO clients connected to /tasks on this process',
      registers,
    });
    this.subscriptions = new Gauge({
      name: 'taskyard_gateway_subscriptions',
      help: 'Task and tenant subscriptions held on this process',
      registers,
    });
    this.eventsEmitted = new Counter({
      name: 'taskyard_gateway_events_emitted_total',
      help: 'Task events sent to clients',
      registers,
    });
    this.emitDelay = new Histogram({
      name: 'taskyard_gateway_event_delay_seconds',
      help: 'From the event being written (its `at`) to its emission to a client',
      buckets: [0.001, 0.0025, 0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5],
      registers,
    });
    this.messagesRefused = new Counter({
      name: 'taskyard_gateway_messages_refused_total',
      help: 'Client messages refused for going over GATEWAY_MESSAGES_PER_SECOND and its burst',
      registers,
    });
    this.disconnects = new Counter({
      name: 'taskyard_gateway_disconnects_total',
      help: 'Socket.IO clients of /tasks that disconnected, for whatever reason',
      registers,
    });
    this.dropped = new Counter({
      name: 'taskyard_gateway_connections_dropped_total',
      help: 'Connections the gateway closed: flood (past GATEWAY_ABUSE_LIMIT refused messages), revoked (its key)',
      labelNames: ['reason'],
      registers,
    });
    for (const reason of ['flood', 'revoked'] satisfies DropReason[])
      this.dropped.inc({ reason }, 0);
  }
}
