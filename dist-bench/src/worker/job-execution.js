import { JobTimeoutError } from '../jobs/errors.js';
export async function executeJob(job, handler, controller, timeoutMs, hooks) {
    const context = {
        jobId: job.id,
        type: job.type,
        queue: job.queue,
        attempt: job.attempts,
        maxAttempts: job.maxAttempts,
        signal: controller.signal,
        heartbeat: hooks.heartbeat,
        progress: hooks.progress,
        logger: hooks.logger,
    };
    const timer = setTimeout(() => controller.abort(new JobTimeoutError(`timed out after ${timeoutMs} ms`)), timeoutMs);
    const aborted = new Promise((_, reject) => {
        const onAbort = () => reject(controller.signal.reason);
        if (controller.signal.aborted)
            onAbort();
        else
            controller.signal.addEventListener('abort', onAbort, { once: true });
    });
    try {
        const handled = Promise.resolve().then(() => handler.handle(job.payload, context));
        return { ok: true, result: await Promise.race([handled, aborted]) };
    }
    catch (error) {
        return { ok: false, error: controller.signal.aborted ? controller.signal.reason : error };
    }
    finally {
        clearTimeout(timer);
    }
}
//# sourceMappingURL=job-execution.js.map