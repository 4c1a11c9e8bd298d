import type { Logger } from 'pino';
import type { AppConfig } from './config/app-config.js';

interface BannerFacts {
  /** http://host:port the service answers on. */
  base: string;
  config: AppConfig;
  /** The admin key created by this start, shown once. */
  adminKey?: string;
  logger: Logger;
  terminal: boolean;
}

/**
 * What a person needs after `npm start`: where the API and its docs are and, on the first start,
 * the admin key. In a terminal it is a few plain lines after the log; elsewhere (a log collector)
 * the key goes out as one log line, since nobody reads a banner there.
 */
export function printBanner({ base, config, adminKey, logger, terminal }: BannerFacts): void {
  if (!terminal) {
    if (adminKey) {
      logger.warn(
        { apiKey: adminKey },
        `No API key existed, so an admin key was created. Keep it, it is not shown again: ${adminKey}`,
      );
    }
    return;
  }
  const rows: [string, string][] = [];
  if (config.runsApi) {
    rows.push(['Dashboard', `${base}/`], ['API', `${base}/api/v1`]);
    if (config.docsEnabled) rows.push(['Docs', `${base}/docs`]);
  }
  rows.push(['Health', `${base}/health/ready`], ['Metrics', `${base}/metrics`]);
  if (adminKey) rows.push(['Admin key', adminKey]);
  const width = Math.max(...rows.map(([label]) => label.length));
  const lines = [
    '',
    `  Taskyard is running (role ${config.role})`,
    '',
    ...rows.map(([label, value]) => `  ${label.padEnd(width)}  ${value}`),
    '',
  ];
  if (adminKey) {
    lines.push(
      '  This admin key is shown once; only its hash is stored. Keep it, then:',
      `    curl -H "Authorization: Bearer ${adminKey}" ${base}/api/v1/tasks`,
      '',
    );
  }
  process.stdout.write(`${lines.join('\n')}\n`);
}
