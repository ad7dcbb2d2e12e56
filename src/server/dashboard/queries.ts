/** Loads what `summarize` needs from the store, for one window. */
import { InputError } from '../../platform/errors.ts';
import type { Store, TransitionRow } from '../../store/types.ts';
import { summarize, type PersonInfo } from './summary.ts';
import type { DashboardDeps, DashboardSummary } from './types.ts';

/** How many of the latest transitions the "recent handoffs" panel lists. */
export const RECENT_LIMIT = 25;
/** Upper bound on transitions read for one window, so a huge range cannot exhaust memory. */
const WINDOW_LIMIT = 100_000;
/** People whose histories are read at the same time. */
const PARALLEL = 16;

/** The `/api/dashboard` answer for `[from, to]` (either may be null: unbounded). */
export async function loadDashboard(deps: DashboardDeps, from: string | null, to: string | null): Promise<DashboardSummary> {
  const { store } = deps;
  const [inWindow, recent, health] = await Promise.all([
    store.transitionsBetween(from, to, WINDOW_LIMIT),
    store.transitionsBetween(from, to, RECENT_LIMIT),
    deps.health(),
  ]);
  const ids = [...new Set([...inWindow, ...recent].map((t) => t.personId))];
  const histories = new Map<number, TransitionRow[]>();
  const people = new Map<number, PersonInfo>();
  await forEachLimited(ids, PARALLEL, async (id) => {
    const [history, person] = await Promise.all([historyOf(store, id, inWindow), store.getPerson(id)]);
    histories.set(id, history);
    if (person) people.set(id, { id: person.id, email: person.email, ownerId: person.ownerId });
  });
  return summarize({ from, to, histories, people, recent, agreement: deps.agreementInfo(), health });
}

/** Parses an optional ISO `from`/`to` query value; a wrong one is a 400 naming the parameter. */
export function parseInstant(value: unknown, name: string): string | null {
  if (value === undefined || value === '') return null;
  const ms = typeof value === 'string' ? Date.parse(value) : NaN;
  if (!Number.isFinite(ms)) throw new InputError(`${name} must be an ISO 8601 date or time, got ${JSON.stringify(value)}`, { field: name });
  return new Date(ms).toISOString();
}

async function historyOf(store: Store, personId: number, fallback: TransitionRow[]): Promise<TransitionRow[]> {
  const rows = await store.listTransitions(personId);
  // A merged-away person has no history of its own any more; keep what the window saw.
  return rows.length ? rows : fallback.filter((t) => t.personId === personId);
}

async function forEachLimited<T>(items: T[], limit: number, fn: (item: T) => Promise<void>): Promise<void> {
  let next = 0;
  const worker = async () => {
    while (next < items.length) await fn(items[next++]);
  };
  await Promise.all(Array.from({ length: Math.min(limit, items.length) }, worker));
}
