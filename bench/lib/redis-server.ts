import { readFileSync } from 'node:fs';
import { Redis } from 'ioredis';

/** The Redis server the reference service of bench:tasks runs on. */
export interface RedisServer {
  url: string;
  version: string;
  /** Its process, when it runs on this machine (so its CPU can be read from /proc). */
  pid?: number;
  /** appendonly and save, as configured ("unknown" when CONFIG is disabled). */
  persistence: string;
}

function connect(url: string): Redis {
  // One attempt, no retries: an absent server must skip the reference quickly.
  return new Redis(url, {
    lazyConnect: true,
    connectTimeout: 2_000,
    maxRetriesPerRequest: 0,
    retryStrategy: () => null,
  });
}

function infoField(info: string, name: string): string | undefined {
  return new RegExp(`^${name}:(.*)$`, 'm').exec(info)?.[1]?.trim();
}

/** The pid INFO reports, if that process on this machine is a redis-server. */
function localPid(info: string): number | undefined {
  const pid = Number(infoField(info, 'process_id'));
  try {
    return readFileSync(`/proc/${pid}/comm`, 'utf8').startsWith('redis-server') ? pid : undefined;
  } catch {
    return undefined;
  }
}

async function persistence(redis: Redis): Promise<string> {
  try {
    const [, appendonly] = (await redis.config('GET', 'appendonly')) as string[];
    const [, save] = (await redis.config('GET', 'save')) as string[];
    return `appendonly ${appendonly}, save "${save}"`;
  } catch {
    return 'unknown';
  }
}

/** The server at `url`, or why none answered. */
export async function probeRedis(url: string): Promise<RedisServer | { error: string }> {
  const redis = connect(url);
  // connect() rejects with "Connection is closed."; the cause comes as an 'error' event.
  let cause: Error | undefined;
  redis.on('error', (error: Error) => {
    cause ??= error;
  });
  try {
    await redis.connect();
    const info = await redis.info('server');
    return {
      url,
      version: infoField(info, 'redis_version') ?? '?',
      pid: localPid(info),
      persistence: await persistence(redis),
    };
  } catch (error) {
    return { error: (cause ?? (error as Error)).message };
  } finally {
    redis.disconnect();
  }
}

/** Deletes every key that starts with `prefix:` (a run's queue), a batch per SCAN page. */
export async function deleteKeys(url: string, prefix: string): Promise<void> {
  const redis = connect(url);
  try {
    await redis.connect();
    let cursor = '0';
    do {
      const [next, keys] = await redis.scan(cursor, 'MATCH', `${prefix}:*`, 'COUNT', 1000);
      if (keys.length > 0) await redis.unlink(...keys);
      cursor = next;
    } while (cursor !== '0');
  } finally {
    redis.disconnect();
  }
}
