/** A generated HubSpot portal for benchmarks: contact `i` is a pure function of its index. */
const FIRST = ['Ada', 'Grace', 'Alan', 'Edsger', 'Barbara', 'Ken', 'Radia', 'Linus', 'Margaret', 'Donald'];
const LAST = [
  'Lovelace',
  'Hopper',
  'Turing',
  'Dijkstra',
  'Liskov',
  'Thompson',
  'Perlman',
  'Torvalds',
  'Hamilton',
  'Knuth',
];
const TITLES = ['VP Marketing', 'Head of Sales', 'Engineer', 'CTO', 'Analyst'];

/** The properties of generated contact `i`. */
export function generatedContact(i: number): Record<string, string> {
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
