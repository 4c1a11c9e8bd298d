import { performTask } from './lib/perform-task.js';
import { createSystem } from './systems/index.js';
function messageOf(error) {
    return error instanceof Error ? error.message : String(error);
}
async function measure(request) {
    const system = createSystem(request.system);
    let reply;
    try {
        await system.setup(request.url, request.settings);
        const measurement = await performTask(system, request.settings, request.task);
        reply = { ok: true, measurement };
    }
    catch (error) {
        reply = { ok: false, error: messageOf(error) };
    }
    try {
        await system.teardown();
    }
    catch (error) {
        if (reply.ok)
            reply = { ok: false, error: `teardown: ${messageOf(error)}` };
    }
    return reply;
}
process.once('message', (request) => {
    void measure(request).then((reply) => {
        process.send?.(reply, () => process.exit(0));
    });
});
//# sourceMappingURL=measure.js.map