import { Injectable } from '@nestjs/common';
import { type Attributes, SpanKind } from '@opentelemetry/api';
import { AppConfig } from '../config/app-config.js';
import { PermanentJobError } from '../jobs/errors.js';
import { JobHandler, type JobContext } from '../jobs/job-handler.decorator.js';
import { JobsService } from '../jobs/jobs.service.js';
import { toEventView, toTaskView } from '../tasks/task.js';
import type { TaskEntity } from '../tasks/task.entity.js';
import { TasksRepository } from '../tasks/tasks.repository.js';
import { inSpan, parentOf, recordError, taskAttributes } from '../tracing/spans.js';
import { DestinationBreakers } from './destination-breakers.js';
import { RefusedDestinationError } from './destination-guard.js';
import { isCallbackEvent } from './webhook-events.js';
import { generateSecret, signature } from './webhook-signature.js';
import { type SendResult, sendWebhook } from './webhook-sender.js';
import { type NewAttempt, WebhooksRepository } from './webhooks.repository.js';

/** Queued by the trigger task_events_webhooks (migrations/repeatable/functions.sql) as these. */
export const WEBHOOKS_QUEUE = 'webhooks';
export const FANOUT_JOB_TYPE = 'taskyard.webhooks.fanout';
export const DELIVER_JOB_TYPE = 'taskyard.webhooks.deliver';

interface EventRef {
  taskId: string;
  seq: number;
}

/** A delivery to an endpoint, or (no endpointId) to the task's own callbackUrl. */
interface DeliveryRef extends EventRef {
  endpointId?: string;
}

/** Where one delivery goes, signed with what, and whose attempt it records. */
interface Destination {
  url: string;
  secret: string;
  target: Pick<NewAttempt, 'endpointId' | 'taskId'>;
}

/** The `webhook-id` of an event: the same on every attempt and for every endpoint. */
export function messageId({ taskId, seq }: EventRef): string {
  return `msg_${taskId}_${seq}`;
}

/**
 * Webhook delivery as queue jobs. An event with subscribers queues one fan-out job in the event's
 * own transaction; the fan-out queues one delivery job per subscribed endpoint, and one for the
 * task's callbackUrl on a terminal event (an idempotency key per destination and event, so a
 * fan-out run twice queues each delivery once); each delivery job
 * POSTs once per attempt and the queue retries it with its backoff (exponential, full jitter).
 * At least once: a receiver de-duplicates by `webhook-id`.
 */
@Injectable()
export class WebhookJobs {
  constructor(
    private readonly webhooks: WebhooksRepository,
    private readonly tasks: TasksRepository,
    private readonly jobs: JobsService,
    private readonly config: AppConfig,
    private readonly breakers: DestinationBreakers,
  ) {}

  @JobHandler(FANOUT_JOB_TYPE, { maxAttempts: 5, queue: WEBHOOKS_QUEUE })
  async fanout(payload: unknown): Promise<{ deliveries: number }> {
    const ref = payload as EventRef;
    const found = await this.eventOf(ref);
    if (!found) return { deliveries: 0 };
    const type = `task.${found.event.kind}`;
    const endpoints = await this.webhooks.subscribed(found.task.tenant, type);
    const delivery = (endpointId: string | undefined, key: string) => ({
      type: DELIVER_JOB_TYPE,
      queue: WEBHOOKS_QUEUE,
      payload: (endpointId === undefined ? ref : { ...ref, endpointId }) satisfies DeliveryRef,
      maxAttempts: this.config.webhooks.maxAttempts,
      idempotencyKey: `${key}:${ref.taskId}:${ref.seq}`,
    });
    const deliveries = endpoints.map((id) => delivery(id, `webhook:${id}`));
    if (found.task.callbackUrl !== null && isCallbackEvent(type)) {
      deliveries.push(delivery(undefined, 'webhook-callback'));
    }
    await this.jobs.enqueueMany(deliveries);
    return { deliveries: deliveries.length };
  }

  @JobHandler(DELIVER_JOB_TYPE, { queue: WEBHOOKS_QUEUE })
  async deliver(payload: unknown, context: JobContext): Promise<{ statusCode: number | null }> {
    const ref = payload as DeliveryRef;
    const found = await this.eventOf(ref);
    const destination = found && (await this.destinationOf(ref, found.task));
    // Removed since: nothing to deliver, or nobody to deliver to.
    if (!found || !destination) return { statusCode: null };
    const type = `task.${found.event.kind}`;
    const id = messageId(ref);
    const timestamp = Math.floor(Date.now() / 1000);
    const body = JSON.stringify({
      type,
      timestamp: new Date(timestamp * 1000).toISOString(),
      data: { task: toTaskView(found.task), event: toEventView(found.event) },
    });
    const headers = {
      'webhook-id': id,
      'webhook-timestamp': String(timestamp),
      'webhook-signature': signature(destination.secret, id, timestamp, body),
    };
    const attempt = {
      ...destination.target,
      messageId: id,
      eventType: type,
      attempt: context.attempt,
    };
    try {
      const url = new URL(destination.url);
      // Throws PostponeJobError while the destination's breaker is open: no attempt is made.
      return await this.breakers.run(url.host, async () => {
        const sent = await this.send(url, headers, body, {
          ...taskAttributes(found.task, context.attempt),
          'taskyard.webhook.event': type,
        });
        const outcome = sent.error === null ? 'delivered' : 'failed';
        await this.webhooks.recordAttempt({ ...attempt, outcome, ...sent });
        if (sent.error !== null) throw new Error(`${destination.url}: ${sent.error}`);
        return { statusCode: sent.statusCode };
      });
    } catch (error) {
      if (!(error instanceof RefusedDestinationError)) throw error;
      const refused = { outcome: 'refused' as const, statusCode: null, durationMs: 0 };
      await this.webhooks.recordAttempt({ ...attempt, ...refused, error: error.message });
      // Retrying cannot help until the endpoint or the setting changes.
      throw new PermanentJobError(error.message);
    }
  }

  /** One POST, as the span `webhook.deliver` of the task's trace (src/tracing). */
  private send(
    url: URL,
    headers: Record<string, string>,
    body: string,
    attributes: Attributes,
  ): Promise<SendResult> {
    const { timeoutMs, allowPrivate } = this.config.webhooks;
    const spec = {
      kind: SpanKind.CLIENT,
      attributes: { ...attributes, 'server.address': url.host },
    };
    return inSpan('webhook.deliver', parentOf(), spec, async (span) => {
      const sent = await sendWebhook(url, headers, body, { timeoutMs, allowPrivate });
      if (sent.statusCode !== null)
        span?.setAttribute('http.response.status_code', sent.statusCode);
      if (sent.error !== null) recordError(span, new Error(sent.error));
      return sent;
    });
  }

  private async destinationOf(
    ref: DeliveryRef,
    task: TaskEntity,
  ): Promise<Destination | undefined> {
    if (ref.endpointId === undefined) {
      if (task.callbackUrl === null) return undefined;
      const secret = await this.webhooks.callbackSecret(task.tenant, generateSecret);
      return { url: task.callbackUrl, secret, target: { endpointId: null, taskId: task.id } };
    }
    const endpoint = await this.webhooks.withSecret(ref.endpointId);
    if (!endpoint) return undefined;
    const { url, secret } = endpoint;
    return { url, secret, target: { endpointId: endpoint.id, taskId: null } };
  }

  private async eventOf(ref: EventRef) {
    const task = await this.tasks.find(ref.taskId);
    const [event] = task ? await this.tasks.events(ref.taskId, ref.seq - 1, 1) : [];
    return task && event?.seq === ref.seq ? { task, event } : undefined;
  }
}
