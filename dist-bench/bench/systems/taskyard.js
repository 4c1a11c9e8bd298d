function notWired() {
    return new Error('Taskyard adapter not wired yet');
}
export class TaskyardSystem {
    name = 'taskyard';
    drainSettings(concurrency) {
        return { default: { concurrency }, best: { concurrency } };
    }
    setup() {
        throw notWired();
    }
    enqueueOneByOne() {
        throw notWired();
    }
    enqueueBulk() {
        throw notWired();
    }
    drain() {
        throw notWired();
    }
    pickupLatency() {
        throw notWired();
    }
    teardown() {
        throw notWired();
    }
}
//# sourceMappingURL=taskyard.js.map