/**
 * The one logger: winston, JSON lines. At info level and above, email addresses and secrets are
 * redacted, so personal data and credentials never reach ordinary logs.
 */
import winston from 'winston';

// Every address form: any local part and any domain, dotted or not (a@b.c, root@localhost, "x y"@[10.0.0.1]), so nothing
// but '@' with a character on each side is required. Over-matching (user@host in a URL) is the safe way to be wrong.
const EMAIL = /(?:"[^"\r\n]*"|[^\s@<>()[\],;:"]+)@(?:\[[^\]\s]*\]|[^\s@<>()[\],;:"'`]+)/g;
const SECRET_KEY = /(token|secret|password|authorization|signature|api[_-]?key|cookie)/i;

/** Replaces email addresses in a string with `[email]`. */
export function redactText(text: string): string {
  return text.replace(EMAIL, '[email]');
}

/** Deep copy of a log value with emails masked and secret-named keys blanked. */
export function redact(value: unknown, depth = 0): unknown {
  if (depth > 6) return '[deep]';
  if (typeof value === 'string') return redactText(value);
  if (Array.isArray(value)) return value.map((v) => redact(v, depth + 1));
  if (value instanceof Error) return { name: value.name, message: redactText(value.message) };
  if (value && typeof value === 'object') {
    const out: Record<string, unknown> = {};
    for (const [k, v] of Object.entries(value))
      out[redactText(k)] = SECRET_KEY.test(k) ? '[redacted]' : redact(v, depth + 1);
    return out;
  }
  return value;
}

const DEBUG_LEVELS = new Set(['debug', 'verbose', 'silly']);

const redactFormat = winston.format((info) => {
  if (DEBUG_LEVELS.has(info.level)) return info;
  for (const key of Object.keys(info)) {
    if (key === 'level') continue;
    (info as Record<string, unknown>)[key] = SECRET_KEY.test(key) ? '[redacted]' : redact(info[key]);
  }
  return info;
});

function level(): string {
  if (process.env.BATON_LOG_LEVEL) return process.env.BATON_LOG_LEVEL;
  return process.env.VITEST ? 'error' : 'info';
}

/** The process-wide root logger; modules take a child with `logger.child({ module })`. */
export const logger = winston.createLogger({
  level: level(),
  format: winston.format.combine(winston.format.timestamp(), redactFormat(), winston.format.json()),
  transports: [
    new winston.transports.Console({ stderrLevels: ['error', 'warn', 'info', 'debug', 'verbose', 'silly'] }),
  ],
});

export type Logger = winston.Logger;
