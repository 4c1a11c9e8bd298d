export function dataSourceOptions(config) {
    const { url, poolSize, connectTimeoutMs } = config.database;
    if (!url)
        throw new Error('The database URL is not known yet: start the embedded server first');
    return {
        type: 'postgres',
        url,
        synchronize: false,
        migrationsRun: false,
        logging: false,
        poolSize,
        connectTimeoutMS: connectTimeoutMs,
        applicationName: `taskyard-${config.role}`,
    };
}
//# sourceMappingURL=data-source-options.js.map