/**
 * Routing throughput: handoffs decided per second through `routeBatch` (account index, rules,
 * weighted round robin, cap counts, the store lease and state writes), on the embedded store and,
 * with BATON_BENCH_STORE=postgres, on PostgreSQL. The directory is in memory: Salesforce is not timed.
 * Run: node bench/routing.bench.ts [handoffs] [batch]
 */
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { parse } from 'yaml';
import { routingSchema } from '../src/config/routing-schema.ts';
import { createRoutingRuntime, type DirectoryUser } from '../src/pipeline/routing/routing-runtime.ts';
import { compileRouting } from '../src/routing/policy.ts';
import { openStore } from '../src/store/index.ts';

const total = Number(process.argv[2] ?? 20_000);
const batch = Number(process.argv[3] ?? 100);
const TEXT = `match_accounts: { by: [email_domain, company_name], ignore_domains: [gmail.com], create: contact }
rules:
  - { id: enterprise, if: { field: person.employees, gte: 1000 }, assign: { round_robin: [a@x.example, b@x.example, c@x.example], weights: { a@x.example: 2 } } }
  - { id: dach, if: { field: person.country, in: [DE, AT, CH] }, assign: { user: d@x.example } }
fallback: { round_robin: [s1@x.example, s2@x.example] }
skip_inactive: true
cap_per_day: 1000000
`;

const users = new Map<string, DirectoryUser>(
  ['a', 'b', 'c', 'd', 's1', 's2'].map((n, i) => [
    `${n}@x.example`,
    { id: `005${i}`, name: n, email: `${n}@x.example`, isActive: true },
  ]),
);
const accounts = Array.from({ length: 2000 }, (_, i) => ({
  id: `001${i}`,
  name: `Company ${i} Inc`,
  website: `https://www.company${i}.example`,
  ownerId: '0050',
}));

async function main() {
  const dir = await mkdtemp(join(tmpdir(), 'baton-bench-routing-'));
  const url =
    process.env.BATON_BENCH_STORE === 'postgres'
      ? (process.env.BATON_DATABASE_URL ?? 'postgres://postgres@127.0.0.1:5432/test')
      : `sqlite:${join(dir, 'b.db')}`;
  const store = await openStore(url);
  const rt = createRoutingRuntime({
    store,
    instanceId: 'bench',
    timeZone: 'America/New_York',
    routing: compileRouting(routingSchema.parse(parse(TEXT)), TEXT),
    directory: {
      usersByEmailOrUsername: async () => users,
      usersById: async () => new Map(),
      findAccounts: async (keys) => accounts.filter((a) => keys.domains.some((d) => a.website.includes(d))),
    },
  });
  await rt.start();
  const t0 = performance.now();
  for (let i = 0; i < total; i += batch) {
    const people = Array.from({ length: Math.min(batch, total - i) }, (_, j) => {
      const n = i + j;
      return {
        key: String(n),
        email: `p${n}@company${n % 4000}.example`,
        person: { employees: n % 3 ? 50 : 5000, country: n % 7 ? 'US' : 'DE' },
        at: new Date().toISOString(),
      };
    });
    await rt.routeBatch(people);
  }
  const ms = performance.now() - t0;
  console.log(
    `${store.dialect}: ${total} handoffs in batches of ${batch}: ${ms.toFixed(0)} ms, ${Math.round((total / ms) * 1000)} handoffs/s, ${((ms / total) * batch).toFixed(2)} ms a batch`,
  );
  await store.close();
  await rm(dir, { recursive: true, force: true });
}

await main();
