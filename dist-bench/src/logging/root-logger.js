import { pino } from 'pino';
const REDACTED_PATHS = [
    'req.headers.authorization',
    'req.headers.cookie',
    'req.headers["x-api-key"]',
    'res.headers["set-cookie"]',
    '*.password',
    '*.databaseUrl',
];
export function createRootLogger(level, stdoutIsTerminal = process.stdout.isTTY) {
    const pretty = stdoutIsTerminal && (level === 'debug' || level === 'trace');
    return pino({
        level,
        base: { pid: process.pid },
        redact: { paths: REDACTED_PATHS, censor: '[redacted]' },
        timestamp: pino.stdTimeFunctions.isoTime,
        ...(pretty
            ? { transport: { target: 'pino-pretty', options: { translateTime: 'SYS:HH:MM:ss.l' } } }
            : {}),
    });
}
//# sourceMappingURL=root-logger.js.map