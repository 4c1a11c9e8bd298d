import { Injectable } from '@nestjs/common';
import type { Repository } from 'typeorm';
import { Database } from '../database/database.js';
import { ScheduleEntity } from './schedule.entity.js';

export type NewSchedule = Pick<
  ScheduleEntity,
  'tenant' | 'type' | 'payload' | 'options' | 'inputFileId' | 'cron' | 'timezone' | 'paused'
> & { nextRunAt: Date | null };

/** task_schedules through TypeORM; `tenant` undefined: any tenant's (admins). */
@Injectable()
export class SchedulesRepository {
  private readonly schedules: Repository<ScheduleEntity>;

  constructor(database: Database) {
    this.schedules = database.repository(ScheduleEntity);
  }

  create(schedule: NewSchedule): Promise<ScheduleEntity> {
    return this.schedules.save(this.schedules.create(schedule));
  }

  async find(id: string, tenant: string | undefined): Promise<ScheduleEntity | undefined> {
    return (await this.schedules.findOneBy({ id, ...(tenant && { tenant }) })) ?? undefined;
  }

  list(tenant: string | undefined): Promise<ScheduleEntity[]> {
    return this.schedules.find({
      where: tenant ? { tenant } : {},
      order: { createdAt: 'ASC', id: 'ASC' },
      take: 1000,
    });
  }

  async setPaused(id: string, paused: boolean, nextRunAt: Date | null): Promise<void> {
    await this.schedules.update({ id }, { paused, nextRunAt });
  }

  async delete(id: string, tenant: string | undefined): Promise<boolean> {
    const { affected } = await this.schedules.delete({ id, ...(tenant && { tenant }) });
    return affected === 1;
  }
}
