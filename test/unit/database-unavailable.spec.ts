import { QueryFailedError } from 'typeorm';
import { isDatabaseUnavailable } from '../../src/http/database-unavailable.js';

const pgError = (code: string, message = 'x') => Object.assign(new Error(message), { code });

describe('isDatabaseUnavailable', () => {
  it.each([
    ['ECONNREFUSED', pgError('ECONNREFUSED', 'connect ECONNREFUSED 127.0.0.1:5432')],
    ['ECONNRESET', pgError('ECONNRESET', 'read ECONNRESET')],
    ['connection failure 08006', pgError('08006')],
    ['cannot connect now 57P03', pgError('57P03', 'the database system is starting up')],
    ['admin shutdown 57P01', pgError('57P01')],
    ['crash shutdown 57P02', pgError('57P02')],
    ['too many connections 53300', pgError('53300', 'sorry, too many clients already')],
    [
      'a database closed to connections',
      pgError('55000', 'database "x" is not currently accepting connections'),
    ],
    ['the pool timeout', new Error('timeout exceeded when trying to connect')],
    ['a cut connection', new Error('Connection terminated unexpectedly')],
    [
      'both addresses refused',
      new AggregateError([pgError('ECONNREFUSED'), pgError('ECONNREFUSED')], ''),
    ],
    ['a wrapped cause', new Error('query failed', { cause: pgError('08003') })],
    ['TypeORM’s wrapper', new QueryFailedError('SELECT 1', [], pgError('57P01'))],
  ])('is true for %s', (_name, error) => {
    expect(isDatabaseUnavailable(error)).toBe(true);
  });

  it.each([
    ['a unique violation', pgError('23505')],
    ['bad input syntax', pgError('22P02')],
    ['another 55000', pgError('55000', 'cannot ALTER TABLE "x" because it is being used')],
    ['a full disk', pgError('ENOSPC')],
    ['a plain error', new Error('boom')],
    ['not an error', 'ECONNREFUSED'],
  ])('is false for %s', (_name, error) => {
    expect(isDatabaseUnavailable(error)).toBe(false);
  });
});
