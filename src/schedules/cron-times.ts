import { Cron } from 'croner';
import type { FieldError } from '../http/validation.js';

/**
 * The times of a cron expression read in an IANA time zone (croner). Across DST changes a time
 * that does not exist that day (in the spring gap) runs at the first instant after the gap, and a
 * time that happens twice (in the autumn repeat) runs once, at its first occurrence; expressions
 * with every hour or minute follow real time, so the repeated hour runs twice.
 */
export class CronTimes {
  private readonly cron: Cron;

  constructor(expression: string, timezone: string) {
    this.cron = new Cron(expression, { timezone, paused: true });
  }

  /** The next `count` runs after `after`. */
  next(after: Date, count = 1): Date[] {
    return this.cron.nextRuns(count, after);
  }

  /** The latest run at or before `now`. */
  latest(now: Date): Date | undefined {
    return this.cron.previousRuns(1, new Date(now.getTime() + 1))[0];
  }
}

/** Field errors of a schedule's expression and zone; runs closer than `minIntervalS` are refused. */
export function checkCron(cron: string, timezone: string, minIntervalS: number): FieldError[] {
  if (!isTimeZone(timezone)) {
    return [{ field: 'timezone', messages: [`${timezone} is not an IANA time zone`] }];
  }
  let runs: Date[];
  try {
    runs = new CronTimes(cron, timezone).next(new Date(), 10);
  } catch (error) {
    return [{ field: 'cron', messages: [(error as Error).message] }];
  }
  if (runs.length === 0) return [{ field: 'cron', messages: ['the expression never runs'] }];
  for (let i = 1; i < runs.length; i++) {
    if (runs[i].getTime() - runs[i - 1].getTime() < minIntervalS * 1000) {
      return [
        {
          field: 'cron',
          messages: [`runs must be at least ${minIntervalS} s apart (SCHEDULES_MIN_INTERVAL_S)`],
        },
      ];
    }
  }
  return [];
}

function isTimeZone(name: string): boolean {
  try {
    return name.length > 0 && Boolean(new Intl.DateTimeFormat('en', { timeZone: name }));
  } catch {
    return false;
  }
}
