import { setTimeout as sleep } from 'node:timers/promises';
import { io } from 'socket.io-client';

/**
 * A client that floods `/tasks` with `subscribe` messages, in a process of its own so that its
 * sending does not slow the service under test. Run as
 * `node flood-child.js <baseUrl> <key> <taskId> <perSecond> <ms>`; prints one JSON line:
 * `{sent, acks: {ok, rateLimited, other}, drops}`. Dropped, it connects again and goes on.
 */
const [baseUrl = '', key = '', taskId = '', perSecond = '10000', ms = '3000'] =
  process.argv.slice(2);
const counts = { ok: 0, rateLimited: 0, other: 0 };
let sent = 0;
let drops = 0;
const started = Date.now();
const running = () => Date.now() - started < Number(ms);
while (running()) {
  const socket = io(`${baseUrl}/tasks`, {
    auth: { token: key },
    transports: ['websocket'],
    reconnection: false,
  });
  await new Promise<void>((resolve) => socket.once('connect', () => resolve()));
  const connection = { dropped: false };
  socket.on('disconnect', () => (connection.dropped = true));
  while (!connection.dropped && running()) {
    for (let i = 0; i < Number(perSecond) / 100; i++, sent++) {
      socket
        .timeout(5_000)
        .emit(
          'subscribe',
          { taskId },
          (error: Error | null, ack: { ok: boolean; error?: { type: string } }) => {
            if (error) return;
            if (ack.ok) counts.ok++;
            else if (ack.error?.type === 'urn:taskyard:problem:rate-limited') counts.rateLimited++;
            else counts.other++;
          },
        );
    }
    await sleep(10);
  }
  if (connection.dropped) drops++;
  socket.close();
}
await sleep(500);
process.stdout.write(`${JSON.stringify({ sent, acks: counts, drops })}\n`);
process.exit(0);
