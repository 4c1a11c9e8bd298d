export function retryDelayMs(attempt, policy, random = Math.random) {
    const ceiling = Math.min(policy.maxMs, policy.baseMs * 2 ** Math.max(0, attempt - 1));
    return Math.floor(random() * ceiling);
}
//# sourceMappingURL=backoff.js.map