import {
  type Attributes,
  type Context,
  context,
  defaultTextMapGetter,
  defaultTextMapSetter,
  ROOT_CONTEXT,
  type Span,
  type SpanKind,
  SpanStatusCode,
  trace,
} from '@opentelemetry/api';
import { W3CTraceContextPropagator } from '@opentelemetry/core';

const propagator = new W3CTraceContextPropagator();

/** The W3C `traceparent` of the active span, to store with a job; none outside a recording span. */
export function activeTraceParent(): string | undefined {
  const active = context.active();
  if (!trace.getSpan(active)?.isRecording()) return undefined;
  const carrier: Record<string, string> = {};
  propagator.inject(active, carrier, defaultTextMapSetter);
  return carrier.traceparent;
}

/** The context a stored or received `traceparent` (and `tracestate`) continues. */
export function contextOf(carrier: Record<string, unknown>): Context {
  return propagator.extract(ROOT_CONTEXT, carrier, defaultTextMapGetter);
}

/**
 * Where a child span goes: under a stored `traceparent` when there is one, else under the active
 * span if it records. Undefined when there is neither: the work runs untraced.
 */
export function parentOf(traceParent?: string | null): Context | undefined {
  if (traceParent) return contextOf({ traceparent: traceParent });
  const active = context.active();
  return trace.getSpan(active)?.isRecording() ? active : undefined;
}

export interface SpanSpec {
  kind?: SpanKind;
  attributes?: Attributes;
}

/**
 * Runs `work` in a new span under `parent` (the active span meanwhile), ends it, and records a
 * thrown error on it. Without a parent `work` runs as it is, with no span: what tracing off costs.
 */
export async function inSpan<T>(
  name: string,
  parent: Context | undefined,
  spec: SpanSpec,
  work: (span?: Span) => Promise<T>,
): Promise<T> {
  if (!parent) return work();
  const span = trace.getTracer('taskyard').startSpan(name, spec, parent);
  try {
    return await context.with(trace.setSpan(parent, span), () => work(span));
  } catch (error) {
    recordError(span, error);
    throw error;
  } finally {
    span.end();
  }
}

export function recordError(span: Span | undefined, error: unknown): void {
  if (!span) return;
  span.recordException(error instanceof Error ? error : String(error));
  span.setStatus({
    code: SpanStatusCode.ERROR,
    message: error instanceof Error ? error.message : String(error),
  });
}

/** What every span about a task says of it. */
export function taskAttributes(
  task: { id: string; type: string; tenant: string },
  attempt?: number,
): Attributes {
  return {
    'taskyard.task.id': task.id,
    'taskyard.task.type': task.type,
    'taskyard.tenant': task.tenant,
    ...(attempt !== undefined && { 'taskyard.task.attempt': attempt }),
  };
}
