import { TASK_EVENT_KINDS } from '../tasks/task.js';

/** What an endpoint subscribes to: `task.<kind>` for each kind of task event. */
export const WEBHOOK_EVENT_TYPES = TASK_EVENT_KINDS.map((kind) => `task.${kind}` as const);
export type WebhookEventType = (typeof WEBHOOK_EVENT_TYPES)[number];

/** The events a task's own callbackUrl is sent: the terminal ones. */
export const CALLBACK_EVENT_TYPES: readonly WebhookEventType[] = [
  'task.succeeded',
  'task.failed',
  'task.cancelled',
];

export function isCallbackEvent(type: string): boolean {
  return (CALLBACK_EVENT_TYPES as readonly string[]).includes(type);
}
