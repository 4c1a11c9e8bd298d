export function poolOf(dataSource) {
    return dataSource.driver.master;
}
export async function connectionOf(manager) {
    const runner = manager.queryRunner;
    if (!runner?.isTransactionActive) {
        throw new Error('enqueue({ manager }) needs the EntityManager of an open transaction');
    }
    return (await runner.connect());
}
export const JOBS_CHANNEL = 'taskyard_jobs';
//# sourceMappingURL=db.js.map