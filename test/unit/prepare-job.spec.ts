import { InvalidJobSpecError, prepareJob } from '../../src/jobs/enqueue-rows.js';

describe('prepareJob', () => {
  it('fills in the defaults', () => {
    expect(prepareJob({ type: 'mail.send' }, 5).row).toMatchObject({
      queue: 'default',
      priority: 0,
      max_attempts: 5,
      delay_ms: 0,
      payload: {},
    });
  });

  it.each([
    [{ type: '' }, /type must be a non-empty string/],
    [{ type: 't', queue: 'has space' }, /queue must match/],
    [{ type: 't', priority: 40_000 }, /priority must be an integer/],
    [{ type: 't', maxAttempts: 0 }, /maxAttempts must be an integer between 1/],
    [{ type: 't', timeoutMs: 2 ** 31 }, /timeoutMs must be an integer between 1/],
    [{ type: 't', delayMs: 1.5 }, /delayMs must be a whole number/],
    [{ type: 't', runAt: new Date('nope') }, /runAt must be a valid Date/],
    [{ type: 't', payload: { text: 'a\u0000' } }, /NUL character/],
    [{ type: 't', payload: { n: 1n } }, /not JSON-serializable/],
  ])('refuses %j before it can sink a shared insert', (spec, message) => {
    expect(() => prepareJob(spec as never, 5)).toThrow(InvalidJobSpecError);
    expect(() => prepareJob(spec as never, 5)).toThrow(message);
  });
});
