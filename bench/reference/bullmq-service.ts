// The reference for bench:tasks' echo scenario: the service a NestJS developer would otherwise
// write, NestJS 12 (Express) + @nestjs/bullmq on Redis. POST /tasks adds a job and answers 202;
// GET /tasks/:id answers its state, waiting for it to finish under `Prefer: wait=N`.
// Run: node dist-bench/bench/reference/bullmq-service.js (PORT, REDIS_URL, QUEUE_PREFIX,
// WORKER_CONCURRENCY).
import 'reflect-metadata';
import { ValidationPipe } from '@nestjs/common';
import { NestFactory } from '@nestjs/core';
import { ReferenceModule } from './reference.module.js';
import { ReferenceSettings } from './reference-settings.js';

const settings = ReferenceSettings.fromEnvironment(process.env);
const app = await NestFactory.create(ReferenceModule.forRoot(settings), {
  logger: ['error', 'warn'],
});
app.useGlobalPipes(new ValidationPipe({ whitelist: true, forbidNonWhitelisted: true }));
app.enableShutdownHooks();
await app.listen(settings.port, '127.0.0.1');
