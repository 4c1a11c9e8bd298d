import { check, expectStatus, type Session } from './api.js';

/** A schedule created (and a bad one refused), read, listed, paused, resumed and deleted. */
export async function schedulesSession({ user }: Session): Promise<void> {
  const json = {
    type: 'echo',
    payload: { at: 'six' },
    cron: '0 6 * * *',
    timezone: 'Europe/Berlin',
  };
  const made = expectStatus(await user.call('post', '/api/v1/schedules', { json }), 201).body;
  check(made.nextRuns.length === 5 && !made.paused, 'the next runs of a running schedule');
  const bad = await user.call('post', '/api/v1/schedules', { json: { ...json, cron: 'nope' } });
  expectStatus(bad, 422);
  const path = { id: made.id };
  const read = expectStatus(await user.call('get', '/api/v1/schedules/{id}', { path }), 200).body;
  check(read.cron === json.cron, 'the schedule read back');
  const list = expectStatus(await user.call('get', '/api/v1/schedules', {}), 200).body;
  check(
    list.some((s) => s.id === made.id),
    'the schedule listed',
  );
  const paused = await user.call('post', '/api/v1/schedules/{id}/pause', { path });
  check(expectStatus(paused, 200).body.nextRuns.length === 0, 'no runs while paused');
  const resumed = await user.call('post', '/api/v1/schedules/{id}/resume', { path });
  check(!expectStatus(resumed, 200).body.paused, 'resumed');
  expectStatus(await user.call('delete', '/api/v1/schedules/{id}', { path }), 204);
  expectStatus(await user.call('get', '/api/v1/schedules/{id}', { path }), 404);
}
