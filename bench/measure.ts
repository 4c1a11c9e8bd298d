// Child process: runs one measurement for bench/queue.ts and sends back a MeasureReply.
import type { MeasureReply, MeasureRequest } from './lib/measurement.js';
import { performTask } from './lib/perform-task.js';
import { createSystem } from './systems/index.js';

function messageOf(error: unknown): string {
  return error instanceof Error ? error.message : String(error);
}

async function measure(request: MeasureRequest): Promise<MeasureReply> {
  const system = createSystem(request.system);
  let reply: MeasureReply;
  try {
    await system.setup(request.url, request.settings);
    const measurement = await performTask(system, request.url, request.settings, request.task);
    reply = { ok: true, measurement };
  } catch (error) {
    reply = { ok: false, error: messageOf(error) };
  }
  try {
    await system.teardown();
  } catch (error) {
    if (reply.ok) reply = { ok: false, error: `teardown: ${messageOf(error)}` };
  }
  return reply;
}

process.once('message', (request: MeasureRequest) => {
  void measure(request).then((reply) => {
    // Exit once sent: a system that left timers behind must not keep the process alive.
    process.send?.(reply, () => process.exit(0));
  });
});
