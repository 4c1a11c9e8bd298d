import { BullModule } from '@nestjs/bullmq';
import { type DynamicModule, Module } from '@nestjs/common';
import { EchoEvents } from './echo.events.js';
import { ECHO_QUEUE, EchoProcessor } from './echo.processor.js';
import { HealthController } from './health.controller.js';
import { ReferenceSettings } from './reference-settings.js';
import { TasksController } from './tasks.controller.js';
import { TasksService } from './tasks.service.js';

/** Job retention as a production service would keep it: results for an hour, failures a day. */
const RETENTION = {
  removeOnComplete: { age: 3600 },
  removeOnFail: { age: 24 * 3600 },
};

@Module({})
export class ReferenceModule {
  static forRoot(settings: ReferenceSettings): DynamicModule {
    return {
      module: ReferenceModule,
      imports: [
        BullModule.forRoot({ connection: { url: settings.redisUrl }, prefix: settings.keyPrefix }),
        BullModule.registerQueue({ name: ECHO_QUEUE, defaultJobOptions: RETENTION }),
      ],
      controllers: [TasksController, HealthController],
      providers: [
        { provide: ReferenceSettings, useValue: settings },
        TasksService,
        EchoProcessor,
        EchoEvents,
      ],
    };
  }
}
