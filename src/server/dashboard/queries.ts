/** Loads what `summarize` needs from the store, for one window. */
import { instantProblem, toIsoInstant } from '../../platform/edge-input.ts';
import { InputError } from '../../platform/errors.ts';
import type { TransitionRow } from '../../store/types.ts';
import { summarize, type PersonInfo } from './summary.ts';
import type { DashboardDeps, DashboardSummary } from './types.ts';

/** How many of the latest transitions the "recent handoffs" panel lists. */
export const RECENT_LIMIT = 25;
/** Upper bound on transitions read for one window, so a huge range cannot exhaust memory. */
const WINDOW_LIMIT = 100_000;
/** People whose histories are read at the same time. */
const PARALLEL = 16;

/**
 * The `/api/dashboard` answer for `[from, to]` (either may be null: unbounded). Reads the window's
 * transitions and those after it (answers and breaches of the window's MQLs) in two queries, and
 * only the people it names: the recent handoffs and those with a breach.
 */
export async function loadDashboard(
  deps: DashboardDeps,
  from: string | null,
  to: string | null,
): Promise<DashboardSummary> {
  const { store } = deps;
  const [inWindow, after, health] = await Promise.all([
    store.transitionsBetween(from, to, WINDOW_LIMIT),
    to ? store.transitionsBetween(to, null, WINDOW_LIMIT) : Promise.resolve([]),
    deps.health(),
  ]);
  const recent = inWindow.slice(0, RECENT_LIMIT);
  const histories = new Map<number, TransitionRow[]>();
  const seen = new Set<number>();
  for (const t of inWindow) {
    seen.add(t.id);
    const history = histories.get(t.personId);
    if (history) history.push(t);
    else histories.set(t.personId, [t]);
  }
  for (const t of after) {
    const history = histories.get(t.personId);
    if (history && !seen.has(t.id)) history.push(t);
  }
  const named = new Set(recent.map((t) => t.personId));
  for (const [id, rows] of histories) if (rows.some((t) => t.breached)) named.add(id);
  const people = new Map<number, PersonInfo>();
  await forEachLimited([...named], PARALLEL, async (id) => {
    const person = await store.getPerson(id);
    if (person) people.set(id, { id: person.id, email: person.email, ownerId: person.ownerId });
  });
  return {
    ...summarize({ from, to, histories, people, recent, agreement: deps.agreementInfo(), health }),
    currency: deps.currency ?? 'USD',
  };
}

/** Parses an optional ISO `from`/`to` query value; a wrong one is a 400 naming the parameter. */
export function parseInstant(value: unknown, name: string): string | null {
  if (value === undefined || value === '') return null;
  const problem = typeof value === 'string' ? instantProblem(value) : 'expected one ISO 8601 date or time';
  if (problem) throw new InputError(`${name}: ${problem}`, { field: name });
  return toIsoInstant(value as string);
}

async function forEachLimited<T>(items: T[], limit: number, fn: (item: T) => Promise<void>): Promise<void> {
  let next = 0;
  const worker = async () => {
    while (next < items.length) await fn(items[next++]);
  };
  await Promise.all(Array.from({ length: Math.min(limit, items.length) }, worker));
}
