import { setTimeout as sleep } from 'node:timers/promises';
const MAX_GAP_MS = 100;
export class LatencyProbe {
    #timeoutMs;
    #onStart;
    constructor(timeoutMs) {
        this.#timeoutMs = timeoutMs;
    }
    jobStarted() {
        const at = performance.now();
        const onStart = this.#onStart;
        this.#onStart = undefined;
        onStart?.(at);
    }
    async measure(samples, enqueueOne) {
        const latencies = [];
        for (let i = 0; i < samples; i++) {
            await sleep(Math.random() * MAX_GAP_MS);
            const started = this.#nextStart();
            const before = performance.now();
            await enqueueOne();
            latencies.push((await started) - before);
        }
        return latencies;
    }
    #nextStart() {
        return new Promise((resolve, reject) => {
            const timer = setTimeout(() => {
                this.#onStart = undefined;
                reject(new Error(`no job started within ${this.#timeoutMs} ms of its enqueue`));
            }, this.#timeoutMs);
            this.#onStart = (at) => {
                clearTimeout(timer);
                resolve(at);
            };
        });
    }
}
//# sourceMappingURL=latency-probe.js.map