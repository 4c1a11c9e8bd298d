export async function runConcurrently(total, inFlight, task) {
    let started = 0;
    const lane = async () => {
        while (started < total) {
            started += 1;
            await task();
        }
    };
    const lanes = Math.max(1, Math.min(inFlight, total));
    await Promise.all(Array.from({ length: lanes }, () => lane()));
}
export async function runInBatches(total, batch, insert) {
    for (let done = 0; done < total; done += batch) {
        await insert(Math.min(batch, total - done));
    }
}
//# sourceMappingURL=concurrently.js.map