/** What the reference service runs with; read once from its environment at start-up. */
export class ReferenceSettings {
  constructor(
    readonly port: number,
    readonly redisUrl: string,
    /** Every key of this service starts with it, so that a run shares no keys with another. */
    readonly keyPrefix: string,
    readonly workerConcurrency: number,
  ) {}

  static fromEnvironment(env: NodeJS.ProcessEnv): ReferenceSettings {
    return new ReferenceSettings(
      Number(env.PORT ?? 3000),
      env.REDIS_URL || 'redis://127.0.0.1:6379',
      env.QUEUE_PREFIX || 'bull',
      Number(env.WORKER_CONCURRENCY ?? 20),
    );
  }
}
