import { Module } from '@nestjs/common';
import { TerminusModule } from '@nestjs/terminus';
import { FilesModule } from '../files/files.module.js';
import { HealthController } from './health.controller.js';
import { QueueFiguresReader } from './queue-figures.js';
import { QueueHealthIndicator } from './queue.health.js';
import { StorageHealthIndicator } from './storage.health.js';

@Module({
  imports: [TerminusModule.forRoot({ errorLogStyle: 'json' }), FilesModule],
  controllers: [HealthController],
  providers: [StorageHealthIndicator, QueueHealthIndicator, QueueFiguresReader],
})
export class HealthModule {}
