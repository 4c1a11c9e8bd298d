import { Module } from '@nestjs/common';
import { ApiKeysModule } from '../auth/api-keys.module.js';
import { TasksModule } from '../tasks/tasks.module.js';
import { GatewayMetrics } from './gateway.metrics.js';
import { GatewayReads } from './gateway-reads.js';
import { SocketAdmission } from './socket-admission.js';
import { TasksGateway } from './tasks.gateway.js';

/** Live task events over Socket.IO, for API roles. */
@Module({
  imports: [ApiKeysModule, TasksModule],
  providers: [TasksGateway, SocketAdmission, GatewayMetrics, GatewayReads],
})
export class GatewayModule {}
