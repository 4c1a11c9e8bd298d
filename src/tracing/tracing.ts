import { context, trace } from '@opentelemetry/api';
import { AsyncLocalStorageContextManager } from '@opentelemetry/context-async-hooks';
import { OTLPTraceExporter } from '@opentelemetry/exporter-trace-otlp-http';
import { resourceFromAttributes } from '@opentelemetry/resources';
import {
  BasicTracerProvider,
  BatchSpanProcessor,
  SimpleSpanProcessor,
  type SpanExporter,
} from '@opentelemetry/sdk-trace-base';
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
export function startTracing(
  settings: AppConfig['tracing'],
  exporter?: SpanExporter,
): Tracing | undefined {
  if (!settings.enabled && !exporter) return undefined;
  const processor = exporter
    ? new SimpleSpanProcessor(exporter)
    : new BatchSpanProcessor(new OTLPTraceExporter({ url: settings.url }));
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
