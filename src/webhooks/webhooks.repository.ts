import { Injectable } from '@nestjs/common';
import type { Repository } from 'typeorm';
import { Database } from '../database/database.js';
import { WebhookCallbackSecretEntity } from './webhook-callback-secret.entity.js';
import { WebhookDeliveryEntity } from './webhook-delivery.entity.js';
import { WebhookEndpointEntity } from './webhook-endpoint.entity.js';

/** What may change of an endpoint (PATCH). */
export type EndpointChanges = Partial<Pick<WebhookEndpointEntity, 'url' | 'events'>>;

/** An attempt to record: to an endpoint, or to a task's callbackUrl. */
export type NewAttempt = Omit<WebhookDeliveryEntity, 'id' | 'at' | 'endpoint' | 'task'>;

/** The queries of webhook_endpoints, webhook_deliveries and webhook_callback_secrets. */
@Injectable()
export class WebhooksRepository {
  private readonly endpoints: Repository<WebhookEndpointEntity>;
  private readonly deliveries: Repository<WebhookDeliveryEntity>;
  private readonly callbackSecrets: Repository<WebhookCallbackSecretEntity>;

  constructor(database: Database) {
    this.endpoints = database.repository(WebhookEndpointEntity);
    this.deliveries = database.repository(WebhookDeliveryEntity);
    this.callbackSecrets = database.repository(WebhookCallbackSecretEntity);
  }

  create(
    endpoint: Pick<WebhookEndpointEntity, 'tenant' | 'url' | 'events' | 'secret'>,
  ): Promise<WebhookEndpointEntity> {
    return this.endpoints.save(this.endpoints.create(endpoint));
  }

  /** `tenant` undefined: any tenant's (an admin's scope). */
  list(tenant: string | undefined): Promise<WebhookEndpointEntity[]> {
    return this.endpoints.find({
      where: tenant === undefined ? {} : { tenant },
      order: { createdAt: 'ASC', id: 'ASC' },
    });
  }

  async find(id: string, tenant: string | undefined): Promise<WebhookEndpointEntity | undefined> {
    const where = tenant === undefined ? { id } : { id, tenant };
    return (await this.endpoints.findOneBy(where)) ?? undefined;
  }

  async update(endpoint: WebhookEndpointEntity, changes: EndpointChanges) {
    return this.endpoints.save(this.endpoints.merge(endpoint, changes));
  }

  async delete(id: string): Promise<void> {
    await this.endpoints.delete({ id });
  }

  /** The endpoints of `tenant` that subscribe to `eventType`, with their ids only. */
  async subscribed(tenant: string, eventType: string): Promise<string[]> {
    const rows = await this.endpoints
      .createQueryBuilder('e')
      .select('e.id', 'id')
      .where('e.tenant = :tenant AND :eventType = ANY (e.events)', { tenant, eventType })
      .getRawMany<{ id: string }>();
    return rows.map((row) => row.id);
  }

  /** An endpoint with its secret, for a delivery. */
  async withSecret(id: string): Promise<WebhookEndpointEntity | undefined> {
    return (
      (await this.endpoints
        .createQueryBuilder('e')
        .addSelect('e.secret')
        .where('e.id = :id', { id })
        .getOne()) ?? undefined
    );
  }

  async recordAttempt(attempt: NewAttempt): Promise<void> {
    await this.deliveries.insert(attempt);
  }

  /** The endpoint's latest attempts first. */
  deliveriesOf(endpointId: string, limit: number): Promise<WebhookDeliveryEntity[]> {
    return this.deliveries.find({ where: { endpointId }, order: { id: 'DESC' }, take: limit });
  }

  /** The attempts to a task's callbackUrl, latest first. */
  callbackAttemptsOf(taskId: string, limit: number): Promise<WebhookDeliveryEntity[]> {
    return this.deliveries.find({ where: { taskId }, order: { id: 'DESC' }, take: limit });
  }

  /**
   * The tenant's callback secret, stored first if it has none: of two first uses at once, the
   * second's insert waits for the first's and does nothing, and both read the first's secret.
   */
  async callbackSecret(tenant: string, fresh: () => string): Promise<string> {
    const found = await this.callbackSecrets.findOneBy({ tenant });
    if (found) return found.secret;
    await this.callbackSecrets
      .createQueryBuilder()
      .insert()
      .values({ tenant, secret: fresh() })
      .orIgnore()
      .execute();
    return (await this.callbackSecrets.findOneByOrFail({ tenant })).secret;
  }
}
