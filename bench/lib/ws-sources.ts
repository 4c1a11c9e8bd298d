import { type ChildProcess, fork } from 'node:child_process';
import { once } from 'node:events';
import { fileURLToPath } from 'node:url';
import { Client } from 'pg';
import {
  createTasks,
  createUserKey,
  type EmitDelay,
  emitDelay,
  setTasksPaused,
  type WsService,
} from './ws-api.js';
import type { BareCommand, BareReply } from './ws-bare-server.js';

/** A task to follow: its id and the seq its subscription continues after. */
export interface FollowedTask {
  id: string;
  lastSeq: number;
}

/** What the clients connect to and what writes the events they follow. */
export interface FeedSource {
  name: string;
  /** The Socket.IO namespace's URL, and the token to connect with. */
  url: string;
  token: string;
  pid: number;
  /** The database whose PostgreSQL work counts as the source's (none for the bare server). */
  databaseUrl?: string;
  /** Tasks shaped like sleep {ms: msOf(i)} that write no event before start(). */
  prepare(tasks: number, msOf: (index: number) => number): Promise<FollowedTask[]>;
  start(): Promise<void>;
  /** Events written per task after `created`. */
  eventsPerTask(): Promise<Map<string, number>>;
  /** The service's own emit-delay figures (none for the bare server). */
  emitDelay(): Promise<EmitDelay | undefined>;
}

/** The service: sleep tasks created while the `tasks` queue is paused; start() resumes it. */
export async function taskyardSource(service: WsService): Promise<FeedSource> {
  const token = await createUserKey(service.client);
  return {
    name: 'Taskyard',
    url: `${service.baseUrl}/tasks`,
    token,
    pid: service.pid,
    databaseUrl: service.databaseUrl,
    async prepare(count, msOf) {
      await setTasksPaused(service.client, true);
      return createTasks(service.baseUrl, token, count, (i) => ({
        type: 'sleep',
        options: { ms: msOf(i) },
      }));
    },
    start: () => setTasksPaused(service.client, false),
    async eventsPerTask() {
      const client = new Client({ connectionString: service.databaseUrl });
      await client.connect();
      try {
        const { rows } = await client.query<{ task_id: string; events: string }>(
          `SELECT task_id, count(*) AS events FROM taskyard.task_events
            WHERE kind <> 'created' GROUP BY task_id`,
        );
        return new Map(rows.map((row) => [row.task_id, Number(row.events)]));
      } finally {
        await client.end();
      }
    },
    emitDelay: () => emitDelay(service.client),
  };
}

const BARE_MODULE = fileURLToPath(new URL('./ws-bare-server.js', import.meta.url));

function nextReply<T extends BareReply['type']>(
  child: ChildProcess,
  type: T,
): Promise<Extract<BareReply, { type: T }>> {
  return new Promise((resolve, reject) => {
    const onMessage = (reply: BareReply): void => {
      if (reply.type !== type) return;
      child.off('message', onMessage);
      child.off('exit', onExit);
      resolve(reply as Extract<BareReply, { type: T }>);
    };
    const onExit = (): void => reject(new Error(`the bare Socket.IO server exited`));
    child.on('message', onMessage);
    child.once('exit', onExit);
  });
}

/** A bare Socket.IO server in a child process (ws-bare-server.ts); stop() ends it. */
export async function bareSource(): Promise<FeedSource & { stop(): Promise<void> }> {
  const child = fork(BARE_MODULE, [], { serialization: 'advanced' });
  const { port } = await nextReply(child, 'listening');
  const request = <T extends BareReply['type']>(command: BareCommand, type: T) => {
    const reply = nextReply(child, type);
    child.send(command);
    return reply;
  };
  return {
    name: 'bare Socket.IO',
    url: `http://127.0.0.1:${port}/tasks`,
    token: 'none',
    pid: child.pid ?? 0,
    async prepare(tasks, msOf) {
      const ms = Array.from({ length: tasks }, (_, i) => msOf(i));
      const { ids } = await request({ type: 'prepare', ms }, 'prepared');
      return ids.map((id) => ({ id, lastSeq: 1 }));
    },
    async start() {
      await request({ type: 'start' }, 'started');
    },
    async eventsPerTask() {
      return new Map((await request({ type: 'counts' }, 'counts')).counts);
    },
    emitDelay: () => Promise.resolve(undefined),
    async stop() {
      if (child.exitCode !== null || child.signalCode !== null) return;
      const exited = once(child, 'exit');
      child.kill();
      await exited;
    },
  };
}
