const SIGNALS = ['SIGINT', 'SIGTERM', 'SIGHUP'];
export function stopOnSignals(app, embedded, graceMs, logger) {
    let stopping = false;
    const stop = (signal) => {
        if (stopping) {
            logger.warn({ signal }, 'second signal: exiting at once');
            process.exit(1);
        }
        stopping = true;
        logger.info({ signal, graceMs }, 'shutting down');
        const deadline = setTimeout(() => {
            logger.error({ graceMs }, 'shutdown grace period over: exiting with work unfinished');
            process.exit(1);
        }, graceMs);
        deadline.unref();
        void (async () => {
            try {
                await app.close();
                await embedded?.stop();
                logger.info('shut down cleanly');
                process.exit(0);
            }
            catch (error) {
                logger.error({ err: error }, 'shutdown failed');
                process.exit(1);
            }
        })();
    };
    for (const signal of SIGNALS)
        process.on(signal, stop);
}
//# sourceMappingURL=shutdown.js.map