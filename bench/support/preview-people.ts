/**
 * Generated history straight into a store's tables, for `bench:preview` and the preview tests: people
 * (some routed to an owner), their events, sales' answers, stored `mql` entries and a few deals.
 * Person `i` of a seed is always the same. Also the draft the tests and the benchmark preview.
 */
import type { Insertable } from 'kysely';
import type { DB, Db } from '../../src/store/db.ts';
import { seededRandom } from '../../src/platform/random.ts';

const TITLES = ['VP Operations', 'Director of IT', 'Engineer', 'Head of Growth', 'Analyst', 'Chief Revenue Officer'];
const COUNTRIES = ['US', 'CA', 'GB', 'DE', 'FR', 'IN', 'BR'];
const DOMAINS = ['corp.example', 'bigco.example', 'gmail.com', 'acme.example', 'startup.example'];
const TYPES = [
  'form_submission',
  'email_open',
  'email_click',
  'page_view',
  'page_view',
  'email_click',
  'meeting_booked',
];
const FORMS = ['newsletter', 'ebook', 'contact'];
const URLS = ['/pricing', '/blog/post', '/docs', '/pricing/enterprise'];
const REASONS = ['no_budget', 'bad_timing', 'no_response', 'wrong_contact'];
const OWNERS = ['ana@acme.example', 'bo@acme.example', 'carla@acme.example'];
const RULES = ['enterprise', 'dach', 'fallback'];
const DAY = 86_400_000;

async function insert<T extends keyof DB & string>(db: Db, table: T, rows: Insertable<DB[T]>[]): Promise<void> {
  for (let i = 0; i < rows.length; i += 400)
    await db
      .insertInto(table)
      .values(rows.slice(i, i + 400))
      .execute();
}

/** Writes people `first+1 … first+n` and their history, events up to `at`. Resolves to the rows written per table. */
export async function seedPreviewPeople(
  db: Db,
  n: number,
  at: string,
  { seed = 20, first = 0 }: { seed?: number; first?: number } = {},
): Promise<Record<string, number>> {
  const rnd = seededRandom(seed);
  const pick = <T>(xs: readonly T[]): T => xs[Math.floor(rnd() * xs.length)];
  const end = Date.parse(at);
  const iso = (t: number) => new Date(Math.min(t, end)).toISOString();
  const written: Record<string, number> = { people: 0, events: 0, feedback: 0, transitions: 0, deals: 0 };
  // flushed every few thousand people, so 100,000 never sit in memory as rows
  let people: Insertable<DB['people']>[] = [];
  let events: Insertable<DB['events']>[] = [];
  let feedback: Insertable<DB['feedback']>[] = [];
  let transitions: Insertable<DB['transitions']>[] = [];
  let deals: Insertable<DB['deals']>[] = [];
  let links: Insertable<DB['deal_people']>[] = [];
  const flush = async () => {
    await insert(db, 'people', people);
    await insert(db, 'events', events);
    await insert(db, 'feedback', feedback);
    await insert(db, 'transitions', transitions);
    await insert(db, 'deals', deals);
    await insert(db, 'deal_people', links);
    written.people += people.length;
    written.events += events.length;
    written.feedback += feedback.length;
    written.transitions += transitions.length;
    written.deals += deals.length;
    people = [];
    events = [];
    feedback = [];
    transitions = [];
    deals = [];
    links = [];
  };
  for (let k = 1; k <= n; k++) {
    const id = first + k;
    let t = end - 120 * DAY + Math.floor(rnd() * 20 * DAY);
    const count = Math.floor(rnd() * 16);
    let formAt: number | null = null;
    for (let e = 0; e < count; e++) {
      t += Math.floor(rnd() * 6 * DAY);
      const type = pick(TYPES);
      const properties =
        type === 'form_submission'
          ? { form: rnd() < 0.06 ? 'demo-request' : pick(FORMS) }
          : type === 'page_view'
            ? { url: pick(URLS) }
            : {};
      if (type === 'form_submission' && formAt === null) formAt = Math.min(t, end);
      events.push({
        id: `e${id}-${e}`,
        person_id: id,
        type,
        at: iso(t),
        properties: JSON.stringify(properties),
        campaign: rnd() < 0.3 ? 'Q4' : null,
        channel: null,
      });
    }
    const routed = formAt !== null && rnd() < 0.7;
    const owner = routed ? pick(OWNERS) : null;
    const meta = routed ? { routing: { rule: pick(RULES), user: owner, ownerEmail: owner, ownerId: owner } } : {};
    people.push({
      id,
      email: `p${id}@${pick(DOMAINS)}`,
      hubspot_id: null,
      salesforce_id: null,
      salesforce_object: null,
      fields: JSON.stringify({
        title: pick(TITLES),
        employees: Math.floor(rnd() * 2000),
        country: pick(COUNTRIES),
        lead_status: rnd() < 0.04 ? 'Qualified' : 'New',
      }),
      field_sources: JSON.stringify({ $meta: meta }),
      state: '{}',
      stage: formAt === null ? 'lead' : 'mql',
      fit: 0,
      engagement: 0,
      sla_due: null,
      sla_breached: 0,
      owner_id: owner,
      updated_at: iso(end),
      revision: 1,
    });
    if (formAt !== null) {
      transitions.push({
        person_id: id,
        from_stage: 'lead',
        to_stage: 'mql',
        at: iso(formAt),
        cause: 'rule:mql',
        version: 7,
        fit: 0,
        engagement: 0,
        passed: '[]',
        breached: 0,
        reason: null,
        meta: '{}',
      });
      const answer = rnd();
      if (answer < 0.5)
        feedback.push({
          person_id: id,
          decision: answer < 0.3 ? 'reject' : 'accept',
          reason: answer < 0.3 ? (answer < 0.03 ? null : pick(REASONS)) : null,
          at: iso(formAt + DAY),
          source: 'api',
        });
    }
    if (rnd() < 0.03) {
      const key = `salesforce:006${id}`;
      deals.push({
        key,
        hubspot_id: null,
        salesforce_id: `006${id}`,
        fields: JSON.stringify({ stage: pick(['discovery', 'proposal', 'won', 'lost']), amount: 5000 }),
        created_at: iso(end - 10 * DAY),
        updated_at: iso(end - 5 * DAY),
      });
      links.push({ deal_key: key, person_id: id });
    }
    if (people.length >= 2000) await flush();
  }
  await flush();
  return written;
}

/** The draft the tests and the benchmark preview: the live example with lower MQL thresholds, v8, sales not yet approved. */
export function draftOf(liveText: string): string {
  const out = liveText
    .replace('version: 7', 'version: 8')
    .replace(', approved: 2026-11-03 }', ' }')
    .replace('{ score: fit, gte: 40 }', '{ score: fit, gte: 30 }')
    .replace('{ score: engagement, gte: 30 }', '{ score: engagement, gte: 20 }');
  if (out === liveText) throw new Error('draftOf: the live text has none of the lines it changes');
  return out;
}
