/**
 * Shared pieces of writing: fitting values to the org's schema, sending one sObject Collections
 * call (≤ 200 records, `allOrNone: false`) and sorting its per-record results.
 */
import { CrmError, errorMessage, type SetupProblem } from '../../src/platform/errors.ts';
import { isRetryable, withRetry } from '../../src/platform/retry.ts';
import type { WriteResult } from '../types.ts';
import type { DescribeField, SalesforceClient } from './client.ts';

export const COLLECTION_LIMIT = 200;

export interface SaveError {
  statusCode: string;
  message: string;
  fields?: string[];
}
export interface SaveResult {
  id?: string | null;
  success: boolean;
  errors: SaveError[];
}

/** A record of an update call: its values and the id of the record they go to. */
export type UpdateRecord = Record<string, unknown> & { Id: string };

const isObject = (v: unknown): v is Record<string, unknown> => typeof v === 'object' && v !== null;

function saveErrorsOf(v: unknown): SaveError[] {
  if (!Array.isArray(v)) return [];
  return v.filter(isObject).map((e) => ({
    statusCode: typeof e.statusCode === 'string' ? e.statusCode : String(e.errorCode ?? ''),
    message: typeof e.message === 'string' ? e.message : '',
    ...(Array.isArray(e.fields) ? { fields: e.fields.map(String) } : {}),
  }));
}

/**
 * The per-record results of an sObject Collections call as the org answers them: each error with
 * its `statusCode` (jsforce's own type calls it `errorCode`, so its results are read, not trusted).
 */
export function collectionResults(v: unknown): SaveResult[] {
  if (!Array.isArray(v)) throw new CrmError('salesforce', 'Salesforce answered a save with no list of results');
  return v.map((r) =>
    isObject(r)
      ? { id: typeof r.id === 'string' ? r.id : null, success: r.success === true, errors: saveErrorsOf(r.errors) }
      : { success: false, errors: [] },
  );
}

export function chunks<T>(list: T[], size = COLLECTION_LIMIT): T[][] {
  const out: T[][] = [];
  for (let i = 0; i < list.length; i += size) out.push(list.slice(i, i + size));
  return out;
}

/**
 * The properties as the org can take them: read-only fields are left out (but never `own` ones,
 * Baton's writeback fields), fields the object lacks too when `leaveOut` says so (a Contact has no
 * Company: Lead-only fields), and strings longer than the field are cut to fit, never rejected. Any
 * other field is sent, so the org names it: a field still to be created, or one the integration
 * user may not edit, is a setup problem, never silently left out.
 */
export function fitToSchema(
  props: Record<string, unknown>,
  describe: Map<string, DescribeField> | null | undefined,
  mode: 'create' | 'update',
  leaveOut: (field: string) => boolean = () => false,
  own: (field: string) => boolean = () => false,
): Record<string, unknown> {
  if (!describe) return { ...props };
  const out: Record<string, unknown> = {};
  for (const [k, v] of Object.entries(props)) {
    const f = describe.get(k);
    if (!f) {
      if (!leaveOut(k)) out[k] = v;
      continue;
    }
    if ((mode === 'create' ? !f.createable : !f.updateable) && !own(k)) continue;
    out[k] = typeof v === 'string' && f.length > 0 && v.length > f.length ? v.slice(0, f.length) : v;
  }
  return out;
}

/** One line naming Salesforce's per-record error, for dead letters. */
export function describeErrors(errors: SaveError[]): string {
  return errors
    .map((e) => `${e.statusCode}: ${e.message}${e.fields?.length ? ` (fields: ${e.fields.join(', ')})` : ''}`)
    .join('; ');
}

export const isLockError = (r: SaveResult) => !r.success && r.errors.some((e) => e.statusCode === 'UNABLE_TO_LOCK_ROW');

/** Thrown by a round that left work for the next one, so the retry policy runs it again. */
class WorkLeft extends CrmError {
  constructor(n: number, cause?: unknown) {
    super('salesforce', `${n} record(s) must be sent again`, {
      retryable: true,
      ...(cause instanceof CrmError && cause.retryAfterMs ? { retryAfterMs: cause.retryAfterMs } : {}),
      cause,
    });
  }
}

/**
 * Runs `round` until it leaves nothing to do, under the one retry policy (`withRetry`: jittered
 * exponential backoff from `minWaitMs`, the CRM's wait hint honoured, `attempts` in all). A round
 * sends the pending ops and returns those to send again (with the error that failed them); a
 * round that throws runs again on the same ops when `retryThrown` allows and the error may pass.
 * Creates re-check what exists at the start of every round, so a lost answer never doubles a
 * record. Returns the ops still pending after the last attempt, with the error that kept them.
 */
export async function inRounds<T>(
  ops: T[],
  round: (pending: T[], attempt: number) => Promise<{ again: T[]; error?: unknown }>,
  options: { attempts: number; minWaitMs?: number; retryThrown?: boolean },
): Promise<{ left: T[]; error?: unknown }> {
  let pending = ops;
  if (pending.length === 0) return { left: [] };
  try {
    await withRetry(
      async (attempt) => {
        const r = await round(pending, attempt);
        pending = r.again;
        if (pending.length) throw new WorkLeft(pending.length, r.error);
      },
      {
        retries: Math.max(0, options.attempts - 1),
        minTimeoutMs: options.minWaitMs ?? 400,
        shouldRetry: (err) => err instanceof WorkLeft || (options.retryThrown !== false && isRetryable(err)),
      },
    );
    return { left: [] };
  } catch (err) {
    return { left: pending, error: err instanceof WorkLeft && err.cause !== undefined ? err.cause : err };
  }
}

/**
 * Sends `records` in collection calls, retrying just the records Salesforce could not lock
 * (UNABLE_TO_LOCK_ROW is a per-record error) a few times. `send` throws for whole-call failures,
 * which are not retried here (a create must re-check first).
 */
export async function saveWithLockRetry<R extends Record<string, unknown>>(
  records: R[],
  send: (batch: R[]) => Promise<SaveResult[]>,
  lockRetries = 3,
  lockWaitMs = 100,
): Promise<SaveResult[]> {
  const results: SaveResult[] = new Array(records.length);
  const { error } = await inRounds(
    records.map((_, i) => i),
    async (pending) => {
      const locked: number[] = [];
      for (const batch of chunks(pending)) {
        const res = await send(batch.map((i) => records[i]));
        batch.forEach((idx, j) => {
          const r = res[j] ?? {
            success: false,
            errors: [{ statusCode: 'NO_RESULT', message: 'Salesforce returned no result for this record' }],
          };
          results[idx] = r;
          if (isLockError(r)) locked.push(idx);
        });
      }
      return { again: locked };
    },
    { attempts: lockRetries + 1, minWaitMs: lockWaitMs, retryThrown: false },
  );
  // Records still locked keep their lock error (a `retry` result for the outbox); a thrown call fails the save.
  if (error && !(error instanceof WorkLeft)) throw error;
  return results;
}

/**
 * A result for an op whose whole call failed: `retry` when the failure may pass, `held` when
 * `problemOf` finds the call's error is not the record's (a field the org lacks refused for the
 * whole call), else `dead`.
 */
export function failureResult(
  key: string,
  err: unknown,
  problemOf?: (errors: SaveError[]) => SetupProblem | null,
): WriteResult {
  if (err instanceof CrmError && (err.retryable || err.retryAfterMs))
    return { key, status: 'retry', error: err.message, retryAfterMs: err.retryAfterMs ?? 60_000 };
  const cause =
    err instanceof CrmError
      ? (err.cause as { errorCode?: unknown; message?: unknown; fields?: unknown } | undefined)
      : undefined;
  const problem =
    cause && typeof cause.errorCode === 'string'
      ? problemOf?.([
          {
            statusCode: cause.errorCode,
            message: String(cause.message ?? ''),
            fields: Array.isArray(cause.fields) ? cause.fields.map(String) : [],
          },
        ])
      : null;
  if (problem) return { key, status: 'held', error: `${problem.message}; ${problem.fix}`, problem };
  return { key, status: 'dead', error: errorMessage(err) };
}

/** Turns one Salesforce save result into the outbox's result; `problemOf` finds errors that are not the record's (held, not dead). */
export function resultOf(
  key: string,
  r: SaveResult,
  extra?: Record<string, unknown>,
  problemOf?: (errors: SaveError[]) => SetupProblem | null,
): WriteResult {
  if (r.success) return { key, status: 'ok', id: r.id ?? undefined, ...(extra ? { properties: extra } : {}) };
  if (isLockError(r)) return { key, status: 'retry', error: describeErrors(r.errors), retryAfterMs: 5_000 };
  const problem = problemOf?.(r.errors);
  if (problem) return { key, status: 'held', error: `${problem.message}; ${problem.fix}`, problem };
  return { key, status: 'dead', error: describeErrors(r.errors) };
}

/** Whether a whole-call failure is worth another attempt by the caller's own idempotent loop. */
export function mayRetry(err: unknown): boolean {
  return err instanceof CrmError && err.retryable;
}

export type { SalesforceClient };
