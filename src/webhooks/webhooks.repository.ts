import { Injectable } from '@nestjs/common';
import type { Repository } from 'typeorm';
import { Database } from '../database/database.js';
import { WebhookDeliveryEntity } from './webhook-delivery.entity.js';
import { WebhookEndpointEntity } from './webhook-endpoint.entity.js';

/** What may change of an endpoint (PATCH). */
export type EndpointChanges = Partial<Pick<WebhookEndpointEntity, 'url' | 'events'>>;

/** The queries of webhook_endpoints and webhook_deliveries. */
@Injectable()
export class WebhooksRepository {
  private readonly endpoints: Repository<WebhookEndpointEntity>;
  private readonly deliveries: Repository<WebhookDeliveryEntity>;

  constructor(database: Database) {
    this.endpoints = database.repository(WebhookEndpointEntity);
    this.deliveries = database.repository(WebhookDeliveryEntity);
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

  /** The endpoint's latest attempts first. */
  deliveriesOf(endpointId: string, limit: number): Promise<WebhookDeliveryEntity[]> {
    return this.deliveries.find({ where: { endpointId }, order: { id: 'DESC' }, take: limit });
  }
}
