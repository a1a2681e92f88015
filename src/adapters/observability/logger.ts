/**
 * Structured JSON logs (pino) with secrets redacted, and the adapter Bolt
 * needs for its own logging.
 */
import type { Logger as BoltLogger, LogLevel } from '@slack/bolt';
import { type DestinationStream, type Logger, pino } from 'pino';

/** Paths whose values never reach a log line, wherever they appear. */
export const REDACTED_PATHS = [
  'token',
  '*.token',
  'headers.authorization',
  '*.headers.authorization',
  'headers["x-slack-signature"]',
  'authorization',
  '*.authorization',
  'password',
  '*.password',
  'secret',
  '*.secret',
  'signingSecret',
  '*.signingSecret',
  'botToken',
  '*.botToken',
  'appToken',
  '*.appToken',
];

/** Token shapes Slack and HTTP use; scrubbed from free text such as error messages. */
const SECRET_TEXT = /\b(xox[abposr]-[A-Za-z0-9-]+|xapp-[A-Za-z0-9-]+|Bearer\s+[A-Za-z0-9._~+/=-]+)/g;

export function scrub(text: string): string {
  return text.replace(SECRET_TEXT, '[REDACTED]');
}

export function createLogger(options: { level?: string; destination?: DestinationStream } = {}): Logger {
  return pino(
    {
      level: options.level ?? 'info',
      base: { app: 'gc-incident' },
      redact: { paths: REDACTED_PATHS, censor: '[REDACTED]' },
      timestamp: pino.stdTimeFunctions.isoTime,
      formatters: { level: (label) => ({ level: label }) },
      hooks: {
        // Messages are free text: scrub anything shaped like a token before it is written.
        logMethod(args, method) {
          method.apply(
            this,
            args.map((a) => (typeof a === 'string' ? scrub(a) : a)) as Parameters<typeof method>,
          );
        },
      },
    },
    options.destination,
  );
}

/** Bolt logs through this, so its lines are JSON and redacted too. */
export function boltLogger(logger: Logger): BoltLogger {
  const child = logger.child({ component: 'bolt' });
  const text = (msg: unknown[]) =>
    scrub(msg.map((m) => (typeof m === 'string' ? m : JSON.stringify(m))).join(' '));
  let level = 'info' as LogLevel;
  return {
    debug: (...msg) => child.debug(text(msg)),
    info: (...msg) => child.info(text(msg)),
    warn: (...msg) => child.warn(text(msg)),
    error: (...msg) => child.error(text(msg)),
    setLevel: (l) => {
      level = l;
      child.level = l;
    },
    getLevel: () => level,
    setName: () => {},
  };
}
