/** A generated HubSpot portal for benchmarks: contact `i` is a pure function of its index. */
import type { FakeHubSpot } from '../../connectors/sandbox/hubspot/index.ts';

const FIRST = ['Ada', 'Grace', 'Alan', 'Edsger', 'Barbara', 'Ken', 'Radia', 'Linus', 'Margaret', 'Donald'];
const LAST = ['Lovelace', 'Hopper', 'Turing', 'Dijkstra', 'Liskov', 'Thompson', 'Perlman', 'Torvalds', 'Hamilton', 'Knuth'];
const TITLES = ['VP Marketing', 'Head of Sales', 'Engineer', 'CTO', 'Analyst'];

/** The properties of generated contact `i`. */
export function generatedContact(i: number): Record<string, unknown> {
  return {
    email: `person${i}@company${i % 997}.example`,
    firstname: FIRST[i % FIRST.length],
    lastname: LAST[Math.floor(i / FIRST.length) % LAST.length],
    jobtitle: TITLES[i % TITLES.length],
    company: `Company ${i % 997}`,
    country: i % 3 === 0 ? 'Germany' : 'United States',
    lifecyclestage: 'lead',
    hs_lead_status: 'NEW',
  };
}

/** Seeds `n` generated contacts, modified one second apart (newest `now`), so keyset paging has distinct times. */
export function seedGeneratedContacts(hubspot: FakeHubSpot, n: number, now: number): void {
  for (let i = 0; i < n; i++) hubspot.seed('contacts', generatedContact(i), { at: now - (n - i) * 1000 });
}
