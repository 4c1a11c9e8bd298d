import { insertRows } from './enqueue-rows.js';
export class EnqueueBatcher {
    db;
    maxBatch;
    pending = [];
    flushing = false;
    constructor(db, maxBatch = 1000) {
        this.db = db;
        this.maxBatch = maxBatch;
    }
    add(rowJson, key) {
        return new Promise((resolve, reject) => {
            this.pending.push({ rowJson, key, resolve, reject });
            if (!this.flushing) {
                this.flushing = true;
                setImmediate(() => void this.flush());
            }
        });
    }
    async flush() {
        while (this.pending.length > 0) {
            const batch = this.pending.splice(0, this.maxBatch);
            try {
                const rows = await insertRows(this.db, batch.map((p) => p.rowJson), batch.map((p) => p.key));
                batch.forEach((p, i) => p.resolve(rows[i]));
            }
            catch (error) {
                for (const p of batch)
                    p.reject(error);
            }
        }
        this.flushing = false;
    }
}
//# sourceMappingURL=enqueue-batcher.js.map