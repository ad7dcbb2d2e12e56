/**
 * The setup problems of one instance: writes the CRM refused for a reason that is not the record's
 * (`SetupProblem`). While a problem stands, writes of its kind are held in the outbox without a
 * call; once per re-check interval a few of them are sent as the probe, and a probe that is not
 * refused for it again ends the problem. In memory only: the held rows themselves are in the store,
 * so a restart simply finds the problem again with its first probe.
 */
import type { WriteOp } from '../../connectors/types.ts';
import { setupProblemConcerns, setupProblemKey, type SetupProblem } from '../platform/errors.ts';
import type { Crm } from '../store/types.ts';

export const DEFAULT_RECHECK_MS = 60_000;

/** A standing problem as `/readyz` and the dashboard show it. */
export interface StandingProblem extends SetupProblem {
  key: string;
  /** When Baton first saw it (ISO). */
  since: string;
  /** When it is tried again (ISO). */
  recheckAt: string;
  /** Writes held for it so far. */
  held: number;
}

interface Entry {
  problem: SetupProblem;
  key: string;
  since: number;
  recheckAt: number;
  held: Set<number>;
}

/** True when `op` is a write of the kind `p` refuses: same object, and it sets one of the fields (to the refused value). */
export function concerns(p: SetupProblem, crm: Crm, op: WriteOp): boolean {
  return p.crm === crm && setupProblemConcerns(p, op.object, op.properties);
}

export class SetupProblems {
  readonly recheckMs: number;
  private entries = new Map<string, Entry>();
  constructor(options: { recheckMs?: number } = {}) {
    this.recheckMs = options.recheckMs ?? DEFAULT_RECHECK_MS;
  }

  /** Records `problem` for the row `rowId`; true when it is new (to be said once). The next re-check is one interval from `now`. */
  report(problem: SetupProblem, rowId: number, now: Date): { isNew: boolean; recheckAt: Date } {
    const key = setupProblemKey(problem);
    let e = this.entries.get(key);
    const isNew = !e;
    if (!e) this.entries.set(key, (e = { problem, key, since: now.getTime(), recheckAt: 0, held: new Set() }));
    e.recheckAt = Math.max(e.recheckAt, now.getTime() + this.recheckMs);
    e.held.add(rowId);
    return { isNew, recheckAt: new Date(e.recheckAt) };
  }

  /** The problem holding `op` now (one whose re-check is not due), with when to try it again. */
  holding(crm: Crm, op: WriteOp, now: Date): { problem: SetupProblem; key: string; recheckAt: Date } | undefined {
    for (const e of this.entries.values()) {
      if (e.recheckAt > now.getTime() && concerns(e.problem, crm, op))
        return { problem: e.problem, key: e.key, recheckAt: new Date(e.recheckAt) };
    }
    return undefined;
  }

  /** Keys of the problems `op` would probe now (due for their re-check). */
  probing(crm: Crm, op: WriteOp, now: Date): string[] {
    return [...this.entries.values()]
      .filter((e) => e.recheckAt <= now.getTime() && concerns(e.problem, crm, op))
      .map((e) => e.key);
  }

  /** Counts `rowId` as held for the problem `key`. */
  held(key: string, rowId: number): void {
    this.entries.get(key)?.held.add(rowId);
  }

  /** Ends the problem `key` (its probe was not refused for it); returns it, or undefined when it was not standing. */
  resolve(key: string): SetupProblem | undefined {
    const e = this.entries.get(key);
    this.entries.delete(key);
    return e?.problem;
  }

  /**
   * The standing problems. One whose re-check is overdue by a whole interval had no write left to
   * probe it (its rows were replaced or written otherwise), so it is dropped.
   */
  list(now: Date): StandingProblem[] {
    for (const [k, e] of this.entries) if (now.getTime() > e.recheckAt + this.recheckMs) this.entries.delete(k);
    return [...this.entries.values()].map((e) => ({
      ...e.problem,
      key: e.key,
      since: new Date(e.since).toISOString(),
      recheckAt: new Date(e.recheckAt).toISOString(),
      held: e.held.size,
    }));
  }

  /** Writes held for the standing problems of `crm` (the held-writes gauge). */
  heldCount(crm: Crm): number {
    return [...this.entries.values()].filter((e) => e.problem.crm === crm).reduce((n, e) => n + e.held.size, 0);
  }
}

/** The board of `ctx`, made on first use when the caller did not give one. */
export function problemsOf(ctx: { problems?: SetupProblems }): SetupProblems {
  return (ctx.problems ??= new SetupProblems());
}
