import { Injectable } from '@nestjs/common';
import { collectDefaultMetrics, Gauge, Histogram, Registry } from 'prom-client';
import { PACKAGE_VERSION } from '../worker/package-version.js';

/**
 * The application's own Prometheus registry (not prom-client's global one, so that several
 * applications in one process, as in tests, keep separate figures). Feature modules register
 * their metrics here, each named `taskyard_…` with its unit last. prom-client's default metrics
 * keep their standard `process_…` and `nodejs_…` names, the ones every Node.js dashboard reads.
 */
@Injectable()
export class MetricsRegistry extends Registry {
  readonly httpRequestDuration: Histogram<'method' | 'route' | 'status_code'>;

  constructor() {
    super();
    collectDefaultMetrics({ register: this });
    new Gauge({
      name: 'taskyard_build_info',
      help: 'Always 1; the labels say which Taskyard and which Node.js this process runs',
      labelNames: ['version', 'node'],
      registers: [this],
    }).set({ version: PACKAGE_VERSION, node: process.version }, 1);
    this.httpRequestDuration = new Histogram({
      name: 'taskyard_http_request_duration_seconds',
      help: 'HTTP request duration by method, route template and status code',
      labelNames: ['method', 'route', 'status_code'],
      buckets: [0.001, 0.0025, 0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10],
      registers: [this],
    });
  }
}
