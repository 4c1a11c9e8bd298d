export class JobTally {
    finished;
    count = 0;
    timedOut = false;
    settledAt;
    #target;
    #timer;
    #settle = () => { };
    constructor(target, timeLimitMs) {
        this.#target = target;
        this.finished = new Promise((resolve) => {
            this.#settle = resolve;
        });
        this.#timer = setTimeout(() => {
            this.timedOut = true;
            this.#finish();
        }, timeLimitMs);
    }
    handled(count = 1) {
        this.count += count;
        if (this.count >= this.#target)
            this.#finish();
    }
    #finish() {
        if (this.settledAt !== undefined)
            return;
        this.settledAt = performance.now();
        clearTimeout(this.#timer);
        this.#settle();
    }
}
//# sourceMappingURL=job-tally.js.map