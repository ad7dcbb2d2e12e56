// An independent reference replay for `bench:simulate`, plain JavaScript written from the spec
// (shared/spec/agreement.md: Conditions, Scores, Stages) rather than from Baton's source, for the
// agreement in mappings/agreement.yaml restated below. It covers what the generated people use:
// fit and engagement scores, the mql and sql conditions, disqualify; no deals, feedback or SLA.
// Usage: node bench/support/reference-simulate.js FILE AT   → prints { counts, mql } as JSON.
import { createReadStream } from 'node:fs';
import { createInterface } from 'node:readline';

const DAY = 86_400_000;
const AGREEMENT = {
  fit: {
    max: 100,
    rules: [
      { if: { field: 'person.employees', gte: 200 }, add: 25 },
      { if: { field: 'person.title', matches: /\b(vp|director|head|chief)\b/i }, add: 20 },
      { if: { field: 'person.country', in: ['US', 'CA', 'GB', 'DE'] }, add: 10 },
      { if: { field: 'person.email', matches: /@(gmail|yahoo|hotmail)\./ }, add: -30 },
    ],
  },
  engagement: {
    max: 100,
    halfLife: 30 * DAY,
    rules: [
      { on: 'form_submission', where: { form: 'demo-request' }, add: 40 },
      { on: 'form_submission', add: 10 },
      { on: 'email_click', add: 3, cap: 15 },
      { on: 'page_view', where: { url: { matches: /\/pricing/ } }, add: 5, cap: 20 },
    ],
  },
  mql: {
    any: [
      {
        all: [
          { score: 'fit', gte: 40 },
          { score: 'engagement', gte: 30 },
        ],
      },
      { event: 'form_submission', where: { form: 'demo-request' } },
    ],
  },
  sql: {
    any: [
      { field: 'person.lead_status', eq: 'Qualified' },
      { field: 'deal.stage', in: ['discovery', 'proposal'] },
    ],
  },
  disqualify: [{ field: 'person.email', matches: /@acme\.example$/ }],
};

function lookup(facts, name) {
  const [scope, key] = name.split('.');
  if (scope === 'person' && key === 'email') return facts.email;
  const bag = scope === 'person' ? facts.person : facts.deal;
  return bag == null ? undefined : bag[key];
}

function test(value, ops) {
  for (const [op, want] of Object.entries(ops)) {
    if (op === 'field' || op === 'score') continue;
    if (value === undefined) return false;
    const num = Number(value);
    const ok =
      op === 'eq'
        ? value === want || (typeof want === 'number' && num === want)
        : op === 'in'
          ? want.includes(value)
          : op === 'gte'
            ? num >= want
            : op === 'matches'
              ? want.test(String(value))
              : false;
    if (!ok) return false;
  }
  return true;
}

function matchesWhere(event, where) {
  if (!where) return true;
  return Object.entries(where).every(([k, v]) =>
    v !== null && typeof v === 'object' ? test(event.properties?.[k], v) : event.properties?.[k] === v,
  );
}

function fit(facts) {
  let sum = 0;
  for (const r of AGREEMENT.fit.rules) if (test(lookup(facts, r.if.field), r.if)) sum += r.add;
  return Math.min(AGREEMENT.fit.max, Math.max(0, sum));
}

// The spec's formula taken literally: every event up to T, under its first matching rule, decayed to T.
function engagement(events, t) {
  const { rules, halfLife, max } = AGREEMENT.engagement;
  const totals = rules.map(() => 0);
  for (const e of events) {
    if (e.ms > t) continue;
    const i = rules.findIndex((r) => r.on === e.type && matchesWhere(e, r.where));
    if (i >= 0) totals[i] += rules[i].add * 0.5 ** ((t - e.ms) / halfLife);
  }
  const sum = totals.reduce((s, v, i) => s + (rules[i].cap === undefined ? v : Math.min(v, rules[i].cap)), 0);
  return Math.min(max, Math.max(0, sum));
}

function holds(c, facts, scores, t) {
  if (c.all) return c.all.every((x) => holds(x, facts, scores, t));
  if (c.any) return c.any.some((x) => holds(x, facts, scores, t));
  if (c.score) return test(scores[c.score], c);
  if (c.event) return facts.events.some((e) => e.ms <= t && e.type === c.event && matchesWhere(e, c.where));
  return test(lookup(facts, c.field), c);
}

/** The final stage of one person at `end` (ms). */
function stageOf(facts, end) {
  if (AGREEMENT.disqualify.some((c) => holds(c, facts, {}, end))) return 'disqualified';
  const f = fit(facts);
  if (holds(AGREEMENT.sql, facts, { fit: f, engagement: engagement(facts.events, end) }, end)) return 'sql';
  // mql the first moment its condition holds: scores only rise at an event, so check at each one and at the end.
  const moments = [...facts.events.map((e) => e.ms).filter((ms) => ms <= end), end];
  for (const t of moments)
    if (holds(AGREEMENT.mql, facts, { fit: f, engagement: engagement(facts.events, t) }, t)) return 'mql';
  return 'lead';
}

const [file, at] = process.argv.slice(2);
const end = Date.parse(at);
const counts = {};
const mql = [];
for await (const line of createInterface({ input: createReadStream(file, 'utf8'), crlfDelay: Infinity })) {
  if (!line.trim()) continue;
  const raw = JSON.parse(line);
  const facts = {
    email: raw.email,
    person: raw.person ?? {},
    deal: raw.deal ?? null,
    events: (raw.events ?? []).map((e) => ({ ...e, ms: Date.parse(e.at) })),
  };
  const stage = stageOf(facts, end);
  counts[stage] = (counts[stage] ?? 0) + 1;
  if (stage === 'mql') mql.push(facts.email);
}
process.stdout.write(`${JSON.stringify({ counts, mql })}\n`);
