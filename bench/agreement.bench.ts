/**
 * `npm run bench`: people evaluated per second by the agreement engine, and by json-rules-engine
 * running the same fit rules and stage conditions on the same people (the yardstick).
 * Usage: node bench/agreement.bench.ts [PEOPLE]
 */
import { existsSync, readFileSync } from 'node:fs';
import { performance } from 'node:perf_hooks';
import YAML from 'yaml';
import { Engine as RulesEngine, type NestedCondition, type TopLevelCondition } from 'json-rules-engine';
import { agreementSchema, type AgreementConfig, type Condition } from '../src/config/schema.ts';
import { compileAgreement } from '../src/agreement/compile.ts';
import { replay } from '../src/agreement/replay.ts';
import { compileRegex } from '../src/config/regex.ts';
import { parseDuration } from '../src/config/duration.ts';
import type { AgreementEvent, PersonFacts, Step } from '../src/agreement/types.ts';
import { seededRandom } from '../src/platform/random.ts';

const PEOPLE = Number(process.argv[2] ?? 200_000);
const EVENTS_PER_PERSON = 20;
const AT = '2026-11-23T00:00:00Z';
const AT_MS = Date.parse(AT);

function loadConfig(): { config: AgreementConfig; source: string } {
  const live = new URL('../mappings/agreement.yaml', import.meta.url);
  const source = existsSync(live) ? live : new URL('../test/agreement/example-agreement.yaml', import.meta.url);
  return { config: agreementSchema.parse(YAML.parse(readFileSync(source, 'utf8'))), source: source.pathname };
}

const prng = seededRandom;

function generate(n: number, seed: number): PersonFacts[] {
  const rnd = prng(seed);
  const pick = <T>(xs: readonly T[]): T => xs[Math.floor(rnd() * xs.length)];
  const titles = [
    'VP Operations',
    'Director of IT',
    'Engineer',
    'Head of Growth',
    'Analyst',
    'Chief Revenue Officer',
    'Intern',
    'Manager',
  ];
  const countries = ['US', 'CA', 'GB', 'DE', 'FR', 'IN', 'BR'];
  const domains = ['corp.example', 'bigco.example', 'gmail.com', 'yahoo.com', 'acme.example', 'startup.example'];
  const types = [
    'form_submission',
    'email_open',
    'email_click',
    'page_view',
    'page_view',
    'email_click',
    'meeting_booked',
  ];
  const forms = ['demo-request', 'newsletter', 'ebook', 'contact'];
  const urls = ['/pricing', '/blog/post', '/docs', '/pricing/enterprise', '/about'];
  const out: PersonFacts[] = [];
  for (let i = 0; i < n; i++) {
    const events: AgreementEvent[] = [];
    let t = AT_MS - 90 * 86_400_000 + Math.floor(rnd() * 10 * 86_400_000);
    for (let k = 0; k < EVENTS_PER_PERSON; k++) {
      t += Math.floor(rnd() * 4 * 86_400_000);
      const type = pick(types);
      const properties: Record<string, unknown> =
        type === 'form_submission'
          ? { form: rnd() < 0.05 ? 'demo-request' : pick(forms.slice(1)) }
          : type === 'page_view'
            ? { url: pick(urls) }
            : { campaign: 'Q4' };
      events.push({ id: `e${i}-${k}`, type, at: new Date(Math.min(t, AT_MS)).toISOString(), properties });
    }
    out.push({
      email: `p${i}@${pick(domains)}`,
      person: {
        title: pick(titles),
        employees: Math.floor(rnd() * 2000),
        country: pick(countries),
        lead_status: rnd() < 0.05 ? 'Qualified' : 'New',
      },
      deal: rnd() < 0.03 ? { stage: pick(['discovery', 'proposal', 'won', 'lost']) } : null,
      events,
    });
  }
  return out;
}

// ---- json-rules-engine: the same rules, expressed in its vocabulary ----------------------------

const JRE_OPS: Record<string, string> = {
  eq: 'equal',
  ne: 'notEqual',
  in: 'in',
  nin: 'notIn',
  gt: 'greaterThan',
  gte: 'greaterThanInclusive',
  lt: 'lessThan',
  lte: 'lessThanInclusive',
  matches: 'matches',
  contains: 'contains',
};

function toJre(c: Condition): NestedCondition {
  if ('all' in c) return { all: c.all.map(toJre) };
  if ('any' in c) return { any: c.any.map(toJre) };
  if ('not' in c) return { not: toJre(c.not) };
  if ('event' in c)
    return {
      fact: 'eventCount',
      params: { type: c.event, where: c.where ?? {}, within: c.within },
      operator: 'greaterThanInclusive',
      value: c.count?.gte ?? 1,
    };
  const ops = Object.entries(c).filter(([k]) => k in JRE_OPS);
  const base =
    'score' in c
      ? { fact: c.score }
      : { fact: c.field.split('.')[0], path: `$.${c.field.split('.').slice(1).join('.')}` };
  const parts = ops.map(([op, value]) => ({ ...base, operator: JRE_OPS[op], value }) as NestedCondition);
  return parts.length === 1 ? parts[0] : { all: parts };
}

const top = (c: Condition): TopLevelCondition => {
  const n = toJre(c);
  return 'all' in n || 'any' in n || 'not' in n ? (n as TopLevelCondition) : { all: [n] };
};

interface JreRunner {
  evaluate(p: PersonFacts): Promise<string>;
}

function buildJre(config: AgreementConfig): JreRunner {
  const regexCache = new Map<string, RegExp>();
  const re = (s: string) => regexCache.get(s) ?? regexCache.set(s, compileRegex(s)).get(s)!;
  const addOps = (e: RulesEngine) => {
    e.addOperator('matches', (a: unknown, b: string) => a !== undefined && a !== null && re(b).test(String(a)));
  };
  const fitEngine = new RulesEngine([], { allowUndefinedFacts: true });
  addOps(fitEngine);
  for (const r of config.score.fit.rules)
    fitEngine.addRule({ name: r.id, conditions: top(r.if), event: { type: 'fit', params: { add: r.add } } });

  const stageEngine = new RulesEngine([], { allowUndefinedFacts: true });
  addOps(stageEngine);
  for (const r of config.disqualify ?? [])
    stageEngine.addRule({ name: r.id, conditions: top(r.if), event: { type: 'disqualified' } });
  if (config.stages.mql) stageEngine.addRule({ conditions: top(config.stages.mql), event: { type: 'mql' } });
  if (config.stages.sql) stageEngine.addRule({ conditions: top(config.stages.sql), event: { type: 'sql' } });

  const halfLife = parseDuration(config.score.engagement.half_life);
  const rules = config.score.engagement.rules;
  const matchesWhere = (where: Record<string, unknown> | undefined, props: Record<string, unknown>) =>
    Object.entries(where ?? {}).every(([k, v]) =>
      v !== null && typeof v === 'object'
        ? re(String((v as { matches: string }).matches)).test(String(props[k] ?? ''))
        : String(props[k]) === String(v),
    );
  const engagement = (events: AgreementEvent[]) => {
    const sums = new Array(rules.length).fill(0);
    for (const e of events) {
      const t = Date.parse(e.at);
      if (t > AT_MS) continue;
      const i = rules.findIndex(
        (r) => r.on === e.type && matchesWhere(r.where as Record<string, unknown>, e.properties),
      );
      if (i >= 0) sums[i] += rules[i].add * 0.5 ** ((AT_MS - t) / halfLife);
    }
    const total = sums.reduce((s, v, i) => s + Math.min(v, rules[i].cap ?? Infinity), 0);
    return Math.max(0, Math.min(config.score.engagement.max, total));
  };

  return {
    async evaluate(p) {
      const person = { ...p.person, email: p.email };
      const fit = await fitEngine.run({ person, deal: p.deal ?? {} });
      const fitScore = Math.max(
        0,
        Math.min(
          config.score.fit.max,
          fit.events.reduce((s, e) => s + Number(e.params?.add ?? 0), 0),
        ),
      );
      const result = await stageEngine.run({
        person,
        deal: p.deal ?? {},
        fit: fitScore,
        engagement: engagement(p.events),
        eventCount: (params: { type: string; where: Record<string, unknown>; within?: string }) => {
          const from = params.within ? AT_MS - parseDuration(params.within) : -Infinity;
          return p.events.filter(
            (e) => e.type === params.type && Date.parse(e.at) >= from && matchesWhere(params.where, e.properties),
          ).length;
        },
      });
      const types = new Set(result.events.map((e) => e.type));
      if (types.has('disqualified')) return 'disqualified';
      if (p.deal) return 'opportunity';
      return types.has('sql') ? 'sql' : types.has('mql') ? 'mql' : 'lead';
    },
  };
}

// ---- the runs -----------------------------------------------------------------------------------

/** Wall-clock and CPU milliseconds of a run (CPU time is steadier on a shared machine). */
async function timed(fn: () => unknown): Promise<{ wallMs: number; cpuMs: number }> {
  const c0 = process.cpuUsage();
  const t0 = performance.now();
  await fn();
  const wallMs = performance.now() - t0;
  const c = process.cpuUsage(c0);
  return { wallMs, cpuMs: (c.user + c.system) / 1000 };
}

const perSecond = (n: number, ms: number) => Math.round((n / ms) * 1000);
const fmt = (n: number) => n.toLocaleString('en-US');

async function main(): Promise<void> {
  const { config, source } = loadConfig();
  const agreement = compileAgreement(config);
  const people = generate(PEOPLE, 42);
  const step: Step = { kind: 'evaluate', at: AT };
  const initial = agreement.initialState();
  const stages: string[] = new Array(PEOPLE);

  const evaluateAll = (n: number) => {
    for (let i = 0; i < n; i++) {
      // A fresh facts object each time: events are prepared (timestamps read) on every evaluation.
      stages[i] = agreement.step({ ...people[i] }, initial, step).state.stage;
    }
  };
  evaluateAll(Math.min(PEOPLE, 20_000)); // warm-up
  const ours = await timed(() => evaluateAll(PEOPLE));
  // The same people with timestamps already read (as a store holding epoch milliseconds gives them).
  const withMs = people.map((p) => ({ ...p, events: p.events.map((e) => ({ ...e, atMs: Date.parse(e.at) })) }));
  const oursMs = await timed(() => {
    for (let i = 0; i < PEOPLE; i++) agreement.step({ ...withMs[i] }, initial, step);
  });

  const replayN = Math.min(PEOPLE, 50_000);
  const replays = await timed(() => {
    for (let i = 0; i < replayN; i++) replay(agreement, people[i], AT);
  });

  const jre = buildJre(config);
  const jreN = Math.min(PEOPLE, 20_000);
  const jreStages: string[] = new Array(jreN);
  for (let i = 0; i < 1000; i++) await jre.evaluate(people[i]); // warm-up
  const theirs = await timed(async () => {
    for (let i = 0; i < jreN; i++) jreStages[i] = await jre.evaluate(people[i]);
  });
  let agree = 0;
  for (let i = 0; i < jreN; i++) {
    // `won`/`lost` are beyond the yardstick's rules: it stops at `opportunity`.
    const o = stages[i];
    if (jreStages[i] === o || (jreStages[i] === 'opportunity' && (o === 'won' || o === 'lost'))) agree++;
  }
  const counts: Record<string, number> = {};
  for (const s of stages) counts[s] = (counts[s] ?? 0) + 1;

  const oursCpu = perSecond(PEOPLE, ours.cpuMs);
  const theirsCpu = perSecond(jreN, theirs.cpuMs);
  console.log(`agreement: ${config.name} v${config.version} (${source})`);
  console.log(`people: ${fmt(PEOPLE)}, ${EVENTS_PER_PERSON} events each (seeded), evaluated at ${AT}`);
  console.log(`stages: ${JSON.stringify(counts)}`);
  console.log('                      people/s (CPU time)   people/s (wall clock)');
  console.log(
    `baton engine          ${fmt(oursCpu).padStart(18)}   ${fmt(perSecond(PEOPLE, ours.wallMs)).padStart(20)}   one evaluation: fit, engagement, disqualify, stages, SLA`,
  );
  console.log(
    `  with atMs           ${fmt(perSecond(PEOPLE, oursMs.cpuMs)).padStart(18)}   ${fmt(perSecond(PEOPLE, oursMs.wallMs)).padStart(20)}   the same, events carrying epoch milliseconds`,
  );
  console.log(
    `baton replay          ${fmt(perSecond(replayN, replays.cpuMs)).padStart(18)}   ${fmt(perSecond(replayN, replays.wallMs)).padStart(20)}   ${EVENTS_PER_PERSON + 1} evaluations each, ${fmt(replayN)} people`,
  );
  console.log(
    `json-rules-engine     ${fmt(theirsCpu).padStart(18)}   ${fmt(perSecond(jreN, theirs.wallMs)).padStart(20)}   ${fmt(jreN)} people; same stage as ours: ${((agree / jreN) * 100).toFixed(1)}%`,
  );
  const ratio = oursCpu / theirsCpu;
  const mark = (ok: boolean) => (ok ? 'met' : 'NOT met');
  console.log(`ratio (CPU time)      ${ratio.toFixed(1)}×`);
  console.log(
    `goals: engine ≥ 250,000 people/s CPU: ${fmt(oursCpu)} (${mark(oursCpu >= 250_000)}); ≥ 40× json-rules-engine: ${ratio.toFixed(1)}× (${mark(ratio >= 40)})`,
  );
}

await main();
