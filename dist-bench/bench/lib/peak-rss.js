const SAMPLE_EVERY_MS = 20;
export class PeakRssSampler {
    #peak = process.memoryUsage.rss();
    #timer = setInterval(() => this.#sample(), SAMPLE_EVERY_MS).unref();
    stop() {
        clearInterval(this.#timer);
        this.#sample();
        return this.#peak;
    }
    #sample() {
        this.#peak = Math.max(this.#peak, process.memoryUsage.rss());
    }
}
//# sourceMappingURL=peak-rss.js.map