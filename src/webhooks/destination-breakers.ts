import { Injectable } from '@nestjs/common';
import {
  BrokenCircuitError,
  circuitBreaker,
  CircuitState,
  ConsecutiveBreaker,
  handleAll,
  type CircuitBreakerPolicy,
} from 'cockatiel';
import { Gauge } from 'prom-client';
import { AppConfig } from '../config/app-config.js';
import { PostponeJobError } from '../jobs/errors.js';
import { MetricsRegistry } from '../metrics/metrics.registry.js';

const STATE_NAMES = {
  [CircuitState.Closed]: 'closed',
  [CircuitState.Open]: 'open',
  [CircuitState.HalfOpen]: 'half-open',
  [CircuitState.Isolated]: 'open',
} as const;

/** The metric's value per state. */
const STATE_VALUES = { closed: 0, 'half-open': 1, open: 2 } as const;

export interface DestinationView {
  destination: string;
  state: 'closed' | 'open' | 'half-open';
  /** When an open breaker lets a probe through; null unless open. */
  halfOpenAt: Date | null;
}

interface Breaker {
  policy: CircuitBreakerPolicy;
  openedAt: number | null;
}

/**
 * A circuit breaker per destination (host:port), in this process: after
 * WEBHOOKS_BREAKER_FAILURES consecutive failures it opens, and deliveries to that destination are
 * postponed (back to the queue, not counted as attempts) until WEBHOOKS_BREAKER_HALF_OPEN_MS has
 * passed; then one delivery probes, and its outcome closes or re-opens the breaker. Each worker
 * process has its own breakers.
 */
@Injectable()
export class DestinationBreakers {
  private readonly breakers = new Map<string, Breaker>();
  private readonly gauge: Gauge<'destination'>;

  constructor(
    private readonly config: AppConfig,
    metrics: MetricsRegistry,
  ) {
    this.gauge = new Gauge({
      name: 'taskyard_webhook_destination_breaker_state',
      help: 'Circuit breaker per webhook destination in this process: 0 closed, 1 half-open, 2 open',
      labelNames: ['destination'],
      registers: [metrics],
    });
  }

  /** Runs `send` through the destination's breaker; throws PostponeJobError while it is open. */
  async run<T>(destination: string, send: () => Promise<T>): Promise<T> {
    const breaker = this.breakerOf(destination);
    const postpone = (): PostponeJobError => {
      const wait = breaker.openedAt
        ? breaker.openedAt + this.config.webhooks.breakerHalfOpenMs - Date.now()
        : 0;
      // Another delivery is probing: look again shortly.
      return new PostponeJobError(Math.max(wait, 200), `${destination}: circuit open`);
    };
    // An open breaker refuses with BrokenCircuitError; once halfOpenAfter has passed, the next
    // call is let through as the probe (cockatiel moves to half-open on that call, not before).
    try {
      return await breaker.policy.execute(send);
    } catch (error) {
      if (error instanceof BrokenCircuitError) throw postpone();
      throw error;
    }
  }

  list(): DestinationView[] {
    return [...this.breakers].map(([destination, breaker]) => {
      const state = STATE_NAMES[breaker.policy.state];
      const halfOpenAt =
        state === 'open' && breaker.openedAt
          ? new Date(breaker.openedAt + this.config.webhooks.breakerHalfOpenMs)
          : null;
      return { destination, state, halfOpenAt };
    });
  }

  private breakerOf(destination: string): Breaker {
    const known = this.breakers.get(destination);
    if (known) return known;
    const { breakerFailures, breakerHalfOpenMs } = this.config.webhooks;
    const policy = circuitBreaker(handleAll, {
      halfOpenAfter: breakerHalfOpenMs,
      breaker: new ConsecutiveBreaker(breakerFailures),
    });
    const breaker: Breaker = { policy, openedAt: null };
    policy.onStateChange((state) => {
      if (state === CircuitState.Open) breaker.openedAt = Date.now();
      this.gauge.set({ destination }, STATE_VALUES[STATE_NAMES[state]]);
    });
    this.gauge.set({ destination }, 0);
    this.breakers.set(destination, breaker);
    return breaker;
  }
}
