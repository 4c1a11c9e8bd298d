import { Injectable } from '@nestjs/common';
import { Counter, Gauge, Histogram } from 'prom-client';
import { MetricsRegistry } from '../metrics/metrics.registry.js';

/** The live feed's figures on /metrics. */
@Injectable()
export class GatewayMetrics {
  readonly clients: Gauge;
  readonly subscriptions: Gauge;
  readonly eventsEmitted: Counter;
  readonly emitDelay: Histogram;

  constructor(registry: MetricsRegistry) {
    const registers = [registry];
    this.clients = new Gauge({
      name: 'gateway_clients',
      help: 'Socket.IO clients connected to /tasks on this process',
      registers,
    });
    this.subscriptions = new Gauge({
      name: 'gateway_subscriptions',
      help: 'Task and tenant subscriptions held on this process',
      registers,
    });
    this.eventsEmitted = new Counter({
      name: 'gateway_events_emitted_total',
      help: 'Task events sent to clients',
      registers,
    });
    this.emitDelay = new Histogram({
      name: 'gateway_event_delay_seconds',
      help: 'From the event being written (its `at`) to its emission to a client',
      buckets: [0.001, 0.0025, 0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5],
      registers,
    });
  }
}
