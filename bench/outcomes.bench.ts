/**
 * `npm run bench:outcomes`: the outcome report (`loadOutcomes`, as `GET /api/outcomes` runs it) on
 * 100,000 people and 5,000 deals in a SQLite store (and PostgreSQL with `--postgres URL`), median
 * of 3, against a baseline measured in the same run: a plain `SELECT *` of the same five tables.
 * Usage: node bench/outcomes.bench.ts [--people N] [--deals N] [--postgres URL] (a throwaway `?schema=`:
 * the rows stay there)
 */
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { performance } from 'node:perf_hooks';
import { fileURLToPath } from 'node:url';
import { parseArgs } from 'node:util';
import { loadConfig } from '../src/config/load.ts';
import { loadOutcomes } from '../src/pipeline/reports/outcomes.ts';
import { seededRandom } from '../src/platform/random.ts';
import { openStore } from '../src/store/index.ts';
import { KyselyStore } from '../src/store/kysely-store.ts';
import type { DB, Db } from '../src/store/db.ts';
import type { Insertable } from 'kysely';

const ROOT = fileURLToPath(new URL('..', import.meta.url));
const { values } = parseArgs({
  options: {
    people: { type: 'string', default: '100000' },
    deals: { type: 'string', default: '5000' },
    postgres: { type: 'string' },
  },
});
const PEOPLE = Number(values.people);
const DEALS = Number(values.deals);
const T0 = Date.parse('2026-06-01T00:00:00.000Z');
const iso = (ms: number) => new Date(ms).toISOString();

async function insert<T extends keyof DB & string>(db: Db, table: T, rows: Insertable<DB[T]>[]): Promise<void> {
  for (let i = 0; i < rows.length; i += 500)
    await db
      .insertInto(table)
      .values(rows.slice(i, i + 500))
      .execute();
}

/** 100,000 people: a third handed over (answered), the deals spread over them and some below the line. */
async function seed(db: Db): Promise<void> {
  const rnd = seededRandom(42);
  const people: Insertable<DB['people']>[] = [];
  const transitions: Insertable<DB['transitions']>[] = [];
  const feedback: Insertable<DB['feedback']>[] = [];
  const events: Insertable<DB['events']>[] = [];
  const deals: Insertable<DB['deals']>[] = [];
  const links: Insertable<DB['deal_people']>[] = [];
  for (let id = 1; id <= PEOPLE; id++) {
    const fit = Math.round(rnd() * 100);
    const engagement = Math.round(rnd() * 100);
    const at = T0 + Math.floor(rnd() * 150) * 86_400_000;
    const mql = fit >= 40 && engagement >= 30;
    const deal = id <= DEALS * 3 && id % 3 === 0;
    people.push({
      id,
      email: `p${id}@corp.example`,
      fields: JSON.stringify({
        employees: Math.round(rnd() * 1000),
        title: rnd() < 0.3 ? 'VP Sales' : 'Engineer',
        country: 'US',
      }),
      field_sources: '{}',
      state: '{}',
      stage: deal ? 'opportunity' : mql ? 'mql' : 'lead',
      fit,
      engagement,
      sla_breached: 0,
      updated_at: iso(at),
      revision: 1,
    });
    const t = (to: string, from: string | null, dt: number, cause: string, passed: string[] = []) =>
      transitions.push({
        person_id: id,
        from_stage: from,
        to_stage: to,
        at: iso(at + dt),
        cause,
        version: 7,
        fit,
        engagement,
        passed: JSON.stringify(passed),
        breached: 0,
        reason: null,
        meta: '{}',
      });
    if (mql) {
      t('mql', 'lead', 0, engagement > 70 ? 'rule:demo-request' : 'rule:mql');
      const accept = rnd() < fit / 100;
      feedback.push({
        person_id: id,
        decision: accept ? 'accept' : 'reject',
        reason: accept ? null : 'no_budget',
        at: iso(at + 3_600_000),
        source: 'api',
      });
      t(accept ? 'sal' : 'recycled', 'mql', 3_600_000, 'feedback');
    }
    if (deal)
      t('opportunity', mql ? 'sal' : 'lead', 86_400_000, 'crm:deal.stage', mql ? ['sql'] : ['mql', 'sal', 'sql']);
    if (deal) {
      const key = `salesforce:006${id}`;
      const won = rnd() < 0.5;
      deals.push({
        key,
        hubspot_id: null,
        salesforce_id: `006${id}`,
        fields: JSON.stringify({
          stage: won ? 'won' : 'lost',
          amount: 1000 + Math.round(rnd() * 9000),
          close_date: iso(at + 20 * 86_400_000),
        }),
        created_at: iso(at + 86_400_000),
        updated_at: iso(at),
      });
      links.push({ deal_key: key, person_id: id });
    }
    for (let e = 0; e < 2; e++)
      events.push({
        id: `e${id}-${e}`,
        person_id: id,
        type: e ? 'page_view' : 'form_submission',
        at: iso(at - 1000),
        properties: JSON.stringify(e ? { url: '/pricing' } : { form: rnd() < 0.2 ? 'demo-request' : 'contact' }),
        campaign: null,
        channel: null,
      });
  }
  await insert(db, 'people', people);
  await insert(db, 'transitions', transitions);
  await insert(db, 'feedback', feedback);
  await insert(db, 'events', events);
  await insert(db, 'deals', deals);
  await insert(db, 'deal_people', links);
  console.log(
    `seeded ${PEOPLE} people, ${transitions.length} transitions, ${feedback.length} feedback, ${deals.length} deals, ${events.length} events`,
  );
}

const median = (xs: number[]) => [...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)];
async function time(fn: () => Promise<unknown>): Promise<number> {
  const runs: number[] = [];
  for (let i = 0; i < 3; i++) {
    const t = performance.now();
    await fn();
    runs.push(performance.now() - t);
  }
  return median(runs);
}

async function benchOne(name: string, url: string): Promise<void> {
  const store = await openStore(url);
  if (!(store instanceof KyselyStore)) throw new Error('expected the Kysely store');
  try {
    await seed(store.db);
    const { agreement } = await loadConfig(join(ROOT, 'mappings'));
    const db = store.db;
    const baseline = await time(() =>
      Promise.all(
        (['people', 'transitions', 'feedback', 'deals', 'deal_people', 'events'] as const).map((t) =>
          db.selectFrom(t).selectAll().execute(),
        ),
      ),
    );
    const scan = await time(() => store.outcomeRows());
    let people = 0;
    const report = await time(async () => {
      people = (await loadOutcomes(store, agreement, 7, { version: null, from: null, to: null }, iso(Date.now())))
        .people;
    });
    console.log(
      `${name}: report ${report.toFixed(0)} ms for ${people} people and ${DEALS} deals (goal < 2000 ms); ` +
        `its scan ${scan.toFixed(0)} ms; baseline SELECT * of the same tables ${baseline.toFixed(0)} ms; ` +
        `ratio report/baseline ${(report / baseline).toFixed(2)}`,
    );
  } finally {
    await store.close();
  }
}

const dir = mkdtempSync(join(tmpdir(), 'baton-outcomes-bench-'));
try {
  await benchOne('sqlite', `sqlite:${join(dir, 'bench.db')}`);
  if (values.postgres) await benchOne('postgres', values.postgres);
} finally {
  rmSync(dir, { recursive: true, force: true });
}
