/**
 * The Taskyard client SDK (`taskyard/client`): no server code, and Node built-ins only where a
 * Node-only input asks for them (a file path), so that it loads in a browser bundle too.
 */
export { Taskyard } from './taskyard.js';
export type { FollowOptions, TaskyardOptions, UploadOptions, CallOptions } from './taskyard.js';
export { TaskyardConnectionError, TaskyardError } from './errors.js';
export { followTask, FollowTaskError } from './follow-task.js';
export { followTenant } from './follow-tenant.js';
export type { ConnectionState } from './feed-socket.js';
export type * from './types.js';
