import { Injectable } from '@nestjs/common';
import { type Caller, tenantScope } from '../auth/api-key.js';
import { ProblemException } from '../http/problem.js';
import type { WebhookDeliveryEntity } from './webhook-delivery.entity.js';
import type { WebhookEndpointEntity } from './webhook-endpoint.entity.js';
import { generateSecret } from './webhook-signature.js';
import { TasksRepository } from '../tasks/tasks.repository.js';
import { type EndpointChanges, WebhooksRepository } from './webhooks.repository.js';

/** An endpoint as the API shows it: never its secret, except once, at creation. */
export interface WebhookEndpointView {
  id: string;
  tenant: string;
  url: string;
  events: string[];
  createdAt: Date;
  updatedAt: Date;
}

export interface WebhookDeliveryView {
  id: string;
  messageId: string;
  eventType: string;
  attempt: number;
  outcome: string;
  statusCode: number | null;
  durationMs: number;
  error: string | null;
  at: Date;
}

export interface NewEndpoint {
  url: string;
  events: string[];
  secret?: string;
}

const DELIVERIES_SHOWN = 100;

/** Endpoints per tenant; the tenant rule of src/auth/api-key.ts (admins see every tenant's). */
@Injectable()
export class WebhooksService {
  constructor(
    private readonly repository: WebhooksRepository,
    private readonly tasks: TasksRepository,
  ) {}

  async create(
    caller: Caller,
    spec: NewEndpoint,
  ): Promise<WebhookEndpointView & { secret: string }> {
    const secret = spec.secret ?? generateSecret();
    const { tenant } = caller;
    const saved = await this.repository.create({
      tenant,
      url: spec.url,
      events: spec.events,
      secret,
    });
    return { ...toView(saved), secret };
  }

  async list(caller: Caller): Promise<WebhookEndpointView[]> {
    return (await this.repository.list(tenantScope(caller))).map(toView);
  }

  async get(caller: Caller, id: string): Promise<WebhookEndpointView> {
    return toView(await this.findOrFail(caller, id));
  }

  async update(caller: Caller, id: string, changes: EndpointChanges): Promise<WebhookEndpointView> {
    const endpoint = await this.findOrFail(caller, id);
    return toView(await this.repository.update(endpoint, changes));
  }

  async delete(caller: Caller, id: string): Promise<void> {
    await this.repository.delete((await this.findOrFail(caller, id)).id);
  }

  async deliveries(caller: Caller, id: string): Promise<WebhookDeliveryView[]> {
    const endpoint = await this.findOrFail(caller, id);
    return (await this.repository.deliveriesOf(endpoint.id, DELIVERIES_SHOWN)).map(toDeliveryView);
  }

  /** The secret that signs the callbacks of the caller's tenant, made on first use. */
  async callbackSecret(caller: Caller): Promise<{ secret: string }> {
    return { secret: await this.repository.callbackSecret(caller.tenant, generateSecret) };
  }

  /** The attempts to a task's callbackUrl; another tenant's task is 404, as an unknown one. */
  async callbackAttempts(caller: Caller, taskId: string): Promise<WebhookDeliveryView[]> {
    const task = await this.tasks.find(taskId, tenantScope(caller));
    if (!task) {
      throw new ProblemException({ status: 404, detail: `There is no task with id ${taskId}.` });
    }
    return (await this.repository.callbackAttemptsOf(task.id, DELIVERIES_SHOWN)).map(
      toDeliveryView,
    );
  }

  /** Another tenant's endpoint is 404, as an unknown one. */
  private async findOrFail(caller: Caller, id: string): Promise<WebhookEndpointEntity> {
    const endpoint = await this.repository.find(id, tenantScope(caller));
    if (endpoint) return endpoint;
    throw new ProblemException({ status: 404, detail: `There is no webhook with id ${id}.` });
  }
}

function toView(row: WebhookEndpointEntity): WebhookEndpointView {
  const { id, tenant, url, events, createdAt, updatedAt } = row;
  return { id, tenant, url, events, createdAt, updatedAt };
}

function toDeliveryView(row: WebhookDeliveryEntity): WebhookDeliveryView {
  const { id, messageId, eventType, attempt, outcome, statusCode, durationMs, error, at } = row;
  return { id, messageId, eventType, attempt, outcome, statusCode, durationMs, error, at };
}
