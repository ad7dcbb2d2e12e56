/**
 * The one error family of Baton. Every error keeps its cause and says what a person needs to act:
 * which file/line, which record, which field, what was expected.
 */

export interface ErrorDetails {
  [key: string]: unknown;
}

/** Base of every error Baton raises on purpose. */
export class BatonError extends Error {
  readonly code: string;
  readonly details: ErrorDetails;
  constructor(code: string, message: string, options: { cause?: unknown; details?: ErrorDetails } = {}) {
    super(message, options.cause === undefined ? undefined : { cause: options.cause });
    this.name = new.target.name;
    this.code = code;
    this.details = options.details ?? {};
  }
}

/** One problem in a configuration file, positioned at the offending YAML node. */
export interface ConfigProblem {
  file: string;
  line: number;
  col: number;
  message: string;
}

/** A configuration that cannot be used; `problems` lists each as `file:line:col: message`. */
export class ConfigError extends BatonError {
  readonly problems: ConfigProblem[];
  constructor(problems: ConfigProblem[], options: { cause?: unknown } = {}) {
    super('config_invalid', problems.map(formatProblem).join('\n'), options);
    this.problems = problems;
  }
}

/** `file:line:col: message`, the one way a configuration problem is printed. */
export function formatProblem(p: ConfigProblem): string {
  return `${p.file}:${p.line}:${p.col}: ${p.message}`;
}

/** Bad input from a caller (HTTP 400); `field` names what was wrong. */
export class InputError extends BatonError {
  constructor(message: string, options: { cause?: unknown; field?: string; details?: ErrorDetails } = {}) {
    super('bad_input', message, { cause: options.cause, details: { ...options.details, field: options.field } });
  }
}

/** Missing or wrong credentials or signature (HTTP 401). */
export class AuthError extends BatonError {
  constructor(message: string, options: { cause?: unknown } = {}) {
    super('unauthorized', message, options);
  }
}

/** Something looked up that does not exist (HTTP 404). */
export class NotFoundError extends BatonError {
  constructor(message: string, options: { cause?: unknown; details?: ErrorDetails } = {}) {
    super('not_found', message, options);
  }
}

export type CrmName = 'hubspot' | 'salesforce';

/**
 * A call to a CRM that failed. `retryable` says whether the one retry policy may try again;
 * `retryAfterMs` carries the CRM's own wait hint (Retry-After, rate-limit headers).
 */
export class CrmError extends BatonError {
  readonly crm: CrmName;
  readonly status: number | undefined;
  readonly retryable: boolean;
  readonly retryAfterMs: number | undefined;
  constructor(
    crm: CrmName,
    message: string,
    options: {
      cause?: unknown;
      status?: number;
      retryable?: boolean;
      retryAfterMs?: number;
      code?: string;
      details?: ErrorDetails;
    } = {},
  ) {
    super(options.code ?? 'crm_error', message, { cause: options.cause, details: options.details });
    this.crm = crm;
    this.status = options.status;
    this.retryable = options.retryable ?? false;
    this.retryAfterMs = options.retryAfterMs;
  }
}

/** The message of any thrown value, for logs and dead letters. */
export function errorMessage(err: unknown): string {
  return err instanceof Error ? err.message : String(err);
}
