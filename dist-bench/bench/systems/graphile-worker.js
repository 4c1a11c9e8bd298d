import { setTimeout as sleep } from 'node:timers/promises';
import { Pool } from 'pg';
import { Logger, makeWorkerUtils, run, } from 'graphile-worker';
import { runConcurrently, runInBatches } from '../lib/concurrently.js';
const TASK = 'bench';
const DEFAULT_POOL_SIZE = 10;
const IDLE_SETTLE_MS = 1_000;
const silentLogger = new Logger(() => () => { });
function presetFor(settings) {
    const worker = {};
    if (settings.batchSize !== undefined)
        worker.localQueue = { size: settings.batchSize };
    if (settings.completeBatchDelayMs !== undefined) {
        worker.completeJobBatchDelay = settings.completeBatchDelayMs;
        worker.failJobBatchDelay = settings.completeBatchDelayMs;
    }
    return { worker };
}
export class GraphileWorkerSystem {
    name = 'graphile-worker';
    #pool;
    #utils;
    #error;
    drainSettings(concurrency) {
        return {
            default: { concurrency },
            best: {
                concurrency,
                batchSize: 100,
                completeBatchDelayMs: 0,
                poolSize: concurrency + 2,
            },
        };
    }
    async setup(url, settings) {
        const pool = new Pool({ connectionString: url, max: settings.poolSize ?? DEFAULT_POOL_SIZE });
        const recordError = (error) => {
            this.#error ??= error;
        };
        pool.on('error', recordError);
        pool.on('connect', (client) => client.on('error', recordError));
        this.#pool = pool;
        this.#utils = await makeWorkerUtils({ pgPool: pool, logger: silentLogger });
        await this.#utils.migrate();
    }
    async enqueueOneByOne(n, inFlight) {
        const utils = this.#ready();
        await runConcurrently(n, inFlight, () => utils.addJob(TASK, {}));
    }
    async enqueueBulk(n, batch) {
        const utils = this.#ready();
        await runInBatches(n, batch, (count) => utils.addJobs(Array.from({ length: count }, () => ({ identifier: TASK, payload: {} }))));
    }
    async drain(settings, sink) {
        const runner = await run(this.#runnerOptions(settings, () => {
            sink.handled();
        }));
        await sink.finished;
        await runner.stop();
        this.#throwIfFailed();
    }
    async pickupLatency(settings, samples, probe) {
        const utils = this.#ready();
        const runner = await run(this.#runnerOptions(settings, () => {
            probe.jobStarted();
        }));
        await sleep(IDLE_SETTLE_MS);
        const latencies = await probe.measure(samples, () => utils.addJob(TASK, {}));
        await runner.stop();
        this.#throwIfFailed();
        return latencies;
    }
    async teardown() {
        await this.#utils?.release();
        await this.#pool?.end();
        this.#utils = undefined;
        this.#pool = undefined;
    }
    #runnerOptions(settings, handler) {
        const options = {
            pgPool: this.#pool,
            logger: silentLogger,
            concurrency: settings.concurrency,
            noHandleSignals: true,
            taskList: { [TASK]: handler },
            preset: presetFor(settings),
        };
        if (settings.pollIntervalMs !== undefined)
            options.pollInterval = settings.pollIntervalMs;
        return options;
    }
    #ready() {
        if (!this.#utils)
            throw new Error('graphile-worker: setup() has not run');
        return this.#utils;
    }
    #throwIfFailed() {
        if (this.#error)
            throw this.#error;
    }
}
//# sourceMappingURL=graphile-worker.js.map