/**
 * The Taskyard remote worker SDK (`taskyard/worker`): serve task types from any Node process over
 * the HTTP worker protocol (docs/remote-workers.md). No server code.
 */
export { TaskyardWorker } from './worker.js';
export type { WorkerRegistration } from './worker.js';
export { PermanentError, TaskAbortedError } from './errors.js';
export { TaskyardConnectionError, TaskyardError } from '../client/errors.js';
export type * from './types.js';
