import { checkCron, CronTimes } from '../../src/schedules/cron-times.js';

const iso = (dates: Date[]) => dates.map((date) => date.toISOString());

/** Cron times in an IANA zone across DST changes (Europe/Berlin: 28 March and 31 October 2027). */
describe('CronTimes', () => {
  it('runs a time that falls in the spring gap at the first instant after it', () => {
    const daily = new CronTimes('30 2 * * *', 'Europe/Berlin');
    // 02:30 does not exist on 28 March: 03:00 CEST (01:00Z); then 02:30 CEST (00:30Z).
    expect(iso(daily.next(new Date('2027-03-27T12:00:00Z'), 3))).toEqual([
      '2027-03-28T01:00:00.000Z',
      '2027-03-29T00:30:00.000Z',
      '2027-03-30T00:30:00.000Z',
    ]);
  });

  it('runs a time that happens twice in the autumn repeat once, at its first occurrence', () => {
    const daily = new CronTimes('30 2 * * *', 'Europe/Berlin');
    expect(iso(daily.next(new Date('2027-10-30T12:00:00Z'), 2))).toEqual([
      '2027-10-31T00:30:00.000Z',
      '2027-11-01T01:30:00.000Z',
    ]);
  });

  it('follows real time for an hourly expression: the repeated hour runs twice', () => {
    const hourly = new CronTimes('0 * * * *', 'Europe/Berlin');
    expect(iso(hourly.next(new Date('2027-10-30T23:30:00Z'), 4))).toEqual([
      '2027-10-31T00:00:00.000Z',
      '2027-10-31T01:00:00.000Z',
      '2027-10-31T02:00:00.000Z',
      '2027-10-31T03:00:00.000Z',
    ]);
    expect(hourly.latest(new Date('2027-10-31T01:59:59Z'))?.toISOString()).toBe(
      '2027-10-31T01:00:00.000Z',
    );
  });

  it('refuses a bad expression, an unknown zone and runs closer than the minimum', () => {
    expect(checkCron('61 * * * *', 'UTC', 60)).toEqual([
      { field: 'cron', messages: [expect.stringContaining('minute')] },
    ]);
    expect(checkCron('0 * * * *', 'Mars/Olympus', 60)).toEqual([
      { field: 'timezone', messages: ['Mars/Olympus is not an IANA time zone'] },
    ]);
    expect(checkCron('*/10 * * * * *', 'UTC', 60)).toEqual([
      { field: 'cron', messages: [expect.stringContaining('at least 60 s apart')] },
    ]);
    expect(checkCron('* * * * *', 'America/New_York', 60)).toEqual([]);
  });
});
