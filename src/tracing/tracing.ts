import { context, trace } from '@opentelemetry/api';
import type { SpanExporter } from '@opentelemetry/sdk-trace-base';
import type { AppConfig } from '../config/app-config.js';

/** A registered tracer provider; `shutdown` sends what is left and unregisters it. */
export interface Tracing {
  shutdown(): Promise<void>;
}

/**
 * Registers the process's tracer provider when traces are on (OTEL_* settings), or when an exporter
 * is given (tests give an InMemorySpanExporter; its spans are exported one by one). Off, nothing is
 * registered: the API's tracer makes non-recording spans, and src/tracing/spans.ts starts none
 * without a recording parent.
 */
export async function startTracing(
  settings: AppConfig['tracing'],
  exporter?: SpanExporter,
): Promise<Tracing | undefined> {
  if (!settings.enabled && !exporter) return undefined;
  // Loaded only when traces are on: the SDK and its exporter add about 17 MB to every process.
  const [{ AsyncLocalStorageContextManager }, { resourceFromAttributes }, sdk] = await Promise.all([
    import('@opentelemetry/context-async-hooks'),
    import('@opentelemetry/resources'),
    import('@opentelemetry/sdk-trace-base'),
  ]);
  const { BasicTracerProvider, BatchSpanProcessor, SimpleSpanProcessor } = sdk;
  const processor = exporter
    ? new SimpleSpanProcessor(exporter)
    : new BatchSpanProcessor(await otlpExporter(settings.url));
  const provider = new BasicTracerProvider({
    resource: resourceFromAttributes({ 'service.name': settings.serviceName }),
    spanProcessors: [processor],
  });
  // The active span follows async calls (a job's run into its handler) through AsyncLocalStorage.
  context.setGlobalContextManager(new AsyncLocalStorageContextManager().enable());
  trace.setGlobalTracerProvider(provider);
  return {
    shutdown: async () => {
      await provider.shutdown();
      trace.disable();
      context.disable();
    },
  };
}

async function otlpExporter(url: string): Promise<SpanExporter> {
  const { OTLPTraceExporter } = await import('@opentelemetry/exporter-trace-otlp-http');
  return new OTLPTraceExporter({ url });
}
