import { setTimeout as sleep } from 'node:timers/promises';
import { PgBoss } from 'pg-boss';
import { runConcurrently, runInBatches } from '../lib/concurrently.js';
const QUEUE = 'bench';
const IDLE_SETTLE_MS = 1_000;
function constructorOptions(url, settings) {
    const options = { connectionString: url };
    if (settings.poolSize !== undefined)
        options.max = settings.poolSize;
    if (settings.listenNotify)
        options.useListenNotify = true;
    return options;
}
function workOptions(settings) {
    const options = { localConcurrency: settings.concurrency };
    if (settings.batchSize !== undefined)
        options.batchSize = settings.batchSize;
    if (settings.pollIntervalMs !== undefined) {
        options.pollingIntervalSeconds = settings.pollIntervalMs / 1000;
    }
    if (settings.fetchWhileFull)
        options.burstWhenBatchFull = true;
    return options;
}
export class PgBossSystem {
    name = 'pg-boss';
    #boss;
    #error;
    drainSettings(concurrency) {
        return {
            default: { concurrency },
            best: {
                concurrency,
                batchSize: 100,
                fetchWhileFull: true,
                pollIntervalMs: 500,
                listenNotify: true,
                poolSize: concurrency + 2,
            },
        };
    }
    async setup(url, settings) {
        const boss = new PgBoss(constructorOptions(url, settings));
        boss.on('error', (error) => {
            this.#error ??= error;
        });
        this.#boss = boss;
        await boss.start();
        if (!(await boss.getQueue(QUEUE)))
            await boss.createQueue(QUEUE);
        await boss.updateQueue(QUEUE, { notify: settings.listenNotify === true });
    }
    async enqueueOneByOne(n, inFlight) {
        const boss = this.#started();
        await runConcurrently(n, inFlight, () => boss.send(QUEUE, {}));
    }
    async enqueueBulk(n, batch) {
        const boss = this.#started();
        await runInBatches(n, batch, (count) => boss.insert(QUEUE, Array.from({ length: count }, () => ({ data: {} }))));
    }
    async drain(settings, sink) {
        const boss = this.#started();
        await boss.work(QUEUE, workOptions(settings), async (jobs) => {
            sink.handled(jobs.length);
        });
        await sink.finished;
        await boss.offWork(QUEUE);
        this.#throwIfFailed();
    }
    async pickupLatency(settings, samples, probe) {
        const boss = this.#started();
        await boss.work(QUEUE, workOptions(settings), async () => {
            probe.jobStarted();
        });
        await sleep(IDLE_SETTLE_MS);
        const latencies = await probe.measure(samples, () => boss.send(QUEUE, {}));
        await boss.offWork(QUEUE);
        this.#throwIfFailed();
        return latencies;
    }
    async teardown() {
        await this.#boss?.stop();
        this.#boss = undefined;
    }
    #started() {
        if (!this.#boss)
            throw new Error('pg-boss: setup() has not run');
        return this.#boss;
    }
    #throwIfFailed() {
        if (this.#error)
            throw this.#error;
    }
}
//# sourceMappingURL=pg-boss.js.map