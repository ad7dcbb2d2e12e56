/**
 * Work that waits on a CRM that is unavailable now (its circuit open after repeated timeouts,
 * `Connector.unavailable()`) is deferred without counting an attempt: the outage is not the item's
 * failure, and counting it would make every item of an outage longer than the give-up rule's
 * backoff (8 attempts, about four minutes) a dead letter. Such work is looked at again after the
 * circuit's pause and resumes once the CRM answers; only failures while the CRM is there count
 * toward `failed-work.ts`.
 */
import { CrmError } from '../platform/errors.ts';
import type { Crm } from '../store/types.ts';
import type { PipelineContext } from './context.ts';

/** The least wait of deferred work before it is claimed again (a refusal costs no call, so this only spares the store). */
export const DEFER_MS = 5_000;

export interface Waiting {
  crm: Crm;
  /** Why the CRM is unavailable (the circuit's reason). */
  reason: string;
  /** When to look at the work again. */
  until: Date;
}

/** Whether work for `crm` waits on it now: its circuit is open. `hintMs` is the refusal's wait, when known. */
export function waitingOnCrm(ctx: PipelineContext, crm: Crm, hintMs?: number): Waiting | null {
  const reason = ctx.connectors[crm]?.unavailable?.() ?? null;
  if (reason === null) return null;
  return { crm, reason, until: new Date(ctx.now().getTime() + Math.max(DEFER_MS, hintMs ?? 0)) };
}

/** The unavailable CRM a failure (or one of its causes) came from, or null when the failure is the work's own. */
export function waitingOnFailure(ctx: PipelineContext, err: unknown): Waiting | null {
  for (let e: unknown = err, depth = 0; e && depth < 8; e = (e as { cause?: unknown }).cause, depth++) {
    if (e instanceof CrmError) {
      const waiting = waitingOnCrm(ctx, e.crm, e.retryAfterMs);
      if (waiting) return waiting;
    }
  }
  return null;
}
