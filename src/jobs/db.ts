export { connectionOf, type Db, prepared } from '../database/db.js';

/** The one NOTIFY channel of the queue: `queue:<name>` when jobs are ready, `cancel:<id>` to cancel. */
export const JOBS_CHANNEL = 'taskyard_jobs';
