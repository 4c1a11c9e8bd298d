import type { QueueSystem } from '../lib/system.js';
import { GraphileWorkerSystem } from './graphile-worker.js';
import { PgBossSystem } from './pg-boss.js';
import { TaskyardSystem } from './taskyard.js';

const factories: Record<string, () => QueueSystem> = {
  taskyard: () => new TaskyardSystem('shared'),
  'taskyard-production': () => new TaskyardSystem('own'),
  'pg-boss': () => new PgBossSystem(),
  'graphile-worker': () => new GraphileWorkerSystem(),
};

export const SYSTEM_NAMES = Object.keys(factories);

export function createSystem(name: string): QueueSystem {
  const factory = factories[name];
  if (!factory) throw new Error(`unknown system "${name}"; known: ${SYSTEM_NAMES.join(', ')}`);
  return factory();
}
