/**
 * `/api/funnel`: reads the window's transitions and every person from the store; the computation
 * itself is the pure `computeFunnel` (src/reports/funnel.ts).
 */
import { computeFunnel, type Funnel } from '../../reports/funnel.ts';
import type { PersonRow, Store, TransitionRow } from '../../store/types.ts';
import { loadSlaBreakdown, type SlaBreakdown } from '../sla/sla-policy-funnel.ts';

export type { Funnel } from '../../reports/funnel.ts';

/** Reads the window's transitions and every person, then computes the funnel. */
export async function loadFunnel(
  store: Store,
  from: string | null,
  to: string | null,
  tierNames?: string[],
): Promise<Funnel & Partial<SlaBreakdown>> {
  const inWin = await store.transitionsBetween(from, to, 1_000_000);
  const histories = new Map<number, TransitionRow[]>();
  for (const id of new Set(inWin.map((t) => t.personId))) histories.set(id, await store.listTransitions(id));
  const people: PersonRow[] = [];
  for (let afterId = 0; ;) {
    const page = await store.listPeople({ afterId, limit: 1000 });
    people.push(...page);
    if (page.length < 1000) break;
    afterId = page[page.length - 1].id;
  }
  const funnel = computeFunnel({ from, to, histories, people });
  // Routing's breakdown (Baton's delay vs the rep's, per tier and owner) rides next to the spec's keys.
  return { ...funnel, ...(await loadSlaBreakdown(store, { from, to, histories, people, tierNames })) };
}
