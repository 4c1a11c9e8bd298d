import { finishJobs } from '../jobs/sql/finish.sql.js';
export class OutcomeWriter {
    db;
    logger;
    maxBatch;
    pending = [];
    flushing = false;
    idle = Promise.resolve();
    settleIdle = () => undefined;
    constructor(db, logger, maxBatch = 1000) {
        this.db = db;
        this.logger = logger;
        this.maxBatch = maxBatch;
    }
    write(outcome) {
        return new Promise((resolve) => {
            this.pending.push({ outcome, resolve });
            if (!this.flushing) {
                this.flushing = true;
                this.idle = new Promise((settle) => (this.settleIdle = settle));
                setImmediate(() => void this.flush());
            }
        });
    }
    drained() {
        return this.idle;
    }
    async flush() {
        while (this.pending.length > 0) {
            const batch = this.pending.splice(0, this.maxBatch);
            const accepted = await this.writeWithRetry(batch.map((p) => p.outcome));
            for (const p of batch)
                p.resolve(accepted.has(p.outcome.id));
        }
        this.flushing = false;
        this.settleIdle();
    }
    async writeWithRetry(outcomes) {
        for (let attempt = 1;; attempt++) {
            try {
                return await finishJobs(this.db, outcomes);
            }
            catch (error) {
                if (attempt >= 5) {
                    this.logger.error({ err: error, jobs: outcomes.length }, 'could not record job outcomes; their leases will expire');
                    return new Set();
                }
                await new Promise((resolve) => setTimeout(resolve, 200 * attempt));
            }
        }
    }
}
//# sourceMappingURL=outcome-writer.js.map