import { type DynamicModule, Module, type OnApplicationShutdown } from '@nestjs/common';
import type { SpanExporter } from '@opentelemetry/sdk-trace-base';
import type { AppConfig } from '../config/app-config.js';
import { startTracing, type Tracing } from './tracing.js';

class TracingLifecycle implements OnApplicationShutdown {
  constructor(private readonly tracing: Tracing | undefined) {}

  async onApplicationShutdown(): Promise<void> {
    await this.tracing?.shutdown();
  }
}

/** The standalone service's traces: registered as the module graph is built, before any work. */
@Module({})
export class TracingModule {
  static forRoot(settings: AppConfig['tracing'], exporter?: SpanExporter): DynamicModule {
    return {
      module: TracingModule,
      providers: [
        {
          provide: TracingLifecycle,
          useFactory: async () => new TracingLifecycle(await startTracing(settings, exporter)),
        },
      ],
    };
  }
}
