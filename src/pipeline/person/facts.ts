/** The engine's view of a person read from the store (for evaluation, explanations and alert conditions). */
import type { PersonFacts } from '../../agreement/types.ts';
import type { PersonRow, Store } from '../../store/types.ts';
import { metaOf } from './person-record.ts';

/** The engine's view of a person: merged fields, the latest deal, every event. */
export async function factsFor(tx: Store, p: PersonRow): Promise<PersonFacts> {
  const deals = await tx.dealsForPerson(p.id);
  deals.sort((a, b) => Date.parse(b.updatedAt) - Date.parse(a.updatedAt));
  const { $sources: _s, ...deal } = (deals[0]?.fields ?? {}) as Record<string, unknown>;
  const events = (await tx.listEvents(p.id)).map((e) => ({
    id: e.id,
    type: e.type,
    at: e.at,
    properties: e.properties,
  }));
  return {
    email: p.email,
    person: p.fields,
    deal: deals.length ? deal : null,
    events,
    converted: metaOf(p).converted === true,
  };
}
