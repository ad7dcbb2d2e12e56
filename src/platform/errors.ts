/**
 * The one error family of Baton. Every error keeps its cause and says what a person needs to act:
 * which file/line, which record, which field, what was expected.
 */

export interface ErrorDetails {
  [key: string]: unknown;
}

export type CrmName = 'hubspot' | 'salesforce';

/**
 * Every code a `BatonError` can carry, so callers (HTTP answers, logs, `err.code ===` checks) can
 * rely on the spelling. CRM errors also carry the CRM's own code (`salesforce_<errorcode>`), hence
 * the open `${CrmName}_${string}` tail.
 */
export type ErrorCode =
  // A person's input or configuration
  | 'config_invalid'
  | 'bad_input'
  | 'bad_event'
  | 'bad_option'
  | 'bad_env'
  | 'bad_file'
  | 'bad_condition'
  | 'bad_cursor'
  | 'bad_datetime'
  | 'unauthorized'
  | 'forbidden'
  | 'not_found'
  | 'conflict'
  // State and concurrency
  | 'no_live_agreement'
  | 'person_exists'
  | 'person_not_found'
  | 'person_stale'
  | 'store_misuse'
  | 'store_unwritable'
  /** Stored JSON (a person's state, an outbox payload) of another shape than its type: `store/stored.ts`. */
  | 'stored_invalid'
  // Services and processes
  | 'redis_unreachable'
  | 'demo_running'
  | 'demo_lock'
  | 'port_in_use'
  | 'serve_exited'
  | 'serve_not_ready'
  // alerts (Slack, email)
  | 'alert_error'
  | 'alert_rate_limited'
  | 'alert_unknown_recipient'
  // CRM calls
  | 'crm_error'
  | 'crm_timeout'
  | 'crm_unresponsive'
  | `${CrmName}_${string}`;

/** Base of every error Baton raises on purpose. */
export class BatonError extends Error {
  readonly code: ErrorCode;
  readonly details: ErrorDetails;
  constructor(code: ErrorCode, message: string, options: { cause?: unknown; details?: ErrorDetails } = {}) {
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

/** A body of a type the route does not take (HTTP 415); `field` is the header. */
export class MediaTypeError extends InputError {
  constructor(message: string) {
    super(message, { field: 'content-type' });
  }
}

/** Missing or wrong credentials or signature (HTTP 401). */
export class AuthError extends BatonError {
  constructor(message: string, options: { cause?: unknown } = {}) {
    super('unauthorized', message, options);
  }
}

/** Authenticated, but not allowed to do this (HTTP 403): a viewer approving, the machine token approving. */
export class ForbiddenError extends BatonError {
  constructor(message: string, options: { cause?: unknown; details?: ErrorDetails } = {}) {
    super('forbidden', message, options);
  }
}

/** The request contradicts the state it acts on (HTTP 409): a draft that changed since it was read, a user who exists. */
export class ConflictError extends BatonError {
  constructor(message: string, options: { cause?: unknown; details?: ErrorDetails } = {}) {
    super('conflict', message, options);
  }
}

/** Something looked up that does not exist (HTTP 404). */
export class NotFoundError extends BatonError {
  constructor(message: string, options: { cause?: unknown; details?: ErrorDetails } = {}) {
    super('not_found', message, options);
  }
}

/**
 * Someone saved the person first (optimistic concurrency); the caller reloads and tries again,
 * through `retryOnStale`.
 */
export class StaleError extends BatonError {
  constructor(message = 'person changed meanwhile', options: { details?: ErrorDetails } = {}) {
    super('person_stale', message, options);
  }
}

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
      code?: ErrorCode;
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

/**
 * A Slack or email call that failed (an alert). Like `CrmError`, `retryable` says whether the one
 * retry policy may try again and `retryAfterMs` carries the service's wait hint (Slack's Retry-After).
 */
export class AlertError extends BatonError {
  readonly channel: 'slack' | 'email';
  readonly retryable: boolean;
  readonly retryAfterMs: number | undefined;
  /** The service answered and refused (a 429, an `ok: false`): the message was not taken. False when unknown (a 5xx, a lost connection). */
  readonly refused: boolean;
  constructor(
    channel: 'slack' | 'email',
    message: string,
    options: { cause?: unknown; retryable?: boolean; retryAfterMs?: number; code?: ErrorCode; refused?: boolean } = {},
  ) {
    super(options.code ?? 'alert_error', message, { cause: options.cause });
    this.channel = channel;
    this.retryable = options.retryable ?? false;
    this.retryAfterMs = options.retryAfterMs;
    this.refused = options.refused ?? false;
  }
}

/**
 * A problem that is not the record's: a field or property that does not exist or may not be
 * written, a scope the token lacks, a value the CRM refuses for every record (one Baton writes
 * from its configuration). Every write of that kind fails alike until a person fixes it, so such
 * writes are held (never bisected, retried record by record or dead-lettered) and re-checked.
 */
export interface SetupProblem {
  crm: CrmName;
  kind: 'missing_field' | 'not_writable' | 'missing_scope' | 'value_not_allowed';
  /** Baton's name of the object written, e.g. `Lead`, `contact`. */
  object: string;
  /** The fields or properties concerned (absent for a scope, which concerns every write of the object). */
  fields?: string[];
  /** The refused value (`value_not_allowed`). */
  value?: string;
  /** The scopes the CRM says are missing (`missing_scope`). */
  scopes?: string[];
  /** What is wrong, in one sentence. */
  message: string;
  /** What a person does to fix it. */
  fix: string;
}

/** One key per distinct problem, so it is reported once. */
export function setupProblemKey(p: SetupProblem): string {
  return [
    p.crm,
    p.kind,
    p.object,
    [...(p.fields ?? [])].sort().join(','),
    p.value ?? '',
    [...(p.scopes ?? [])].sort().join(','),
  ].join('|');
}

/** True when writing `properties` to `object` is of the kind `p` refuses: same object, and one of its fields set (to the refused value). */
export function setupProblemConcerns(p: SetupProblem, object: string, properties: Record<string, unknown>): boolean {
  if (p.object !== object) return false;
  if (!p.fields?.length) return true;
  return p.fields.some(
    (f) => Object.hasOwn(properties, f) && (p.value === undefined || String(properties[f]) === p.value),
  );
}

/** A CRM call refused for a `SetupProblem`: not retryable as it is, not the record's fault. */
export class SetupProblemError extends CrmError {
  readonly problem: SetupProblem;
  constructor(problem: SetupProblem, options: { cause?: unknown; status?: number } = {}) {
    super(problem.crm, `${problem.message}; ${problem.fix}`, {
      cause: options.cause,
      status: options.status,
      code: `${problem.crm}_setup_${problem.kind}`,
      details: { problem },
    });
    this.problem = problem;
  }
}

/** The message of any thrown value, for logs and dead letters. */
export function errorMessage(err: unknown): string {
  return err instanceof Error ? err.message : String(err);
}
