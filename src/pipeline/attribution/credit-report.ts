/**
 * `GET /api/attribution` and `baton attribution`: the revenue report (won deals, stored results)
 * or the pipeline report (deals created in the period, credited at creation), under a scope,
 * with ROI per campaign beside it. Reads the store; the figures come from `src/attribution/`.
 */
import {
  attribute,
  definedModels,
  summarize,
  type AttributionModel,
  type AttributionResult,
  type AttributionSummary,
  type DealInput,
  type Touch,
} from '../../attribution/index.ts';
import { pipelineCredit, type PipelineDeal, type PipelineSummary } from '../../attribution/pipeline.ts';
import { mqlsByTouch, roi, type Roi } from '../../attribution/roi.ts';
import type { AttributionScope } from '../../attribution/scope.ts';
import type { PersonRow, Store } from '../../store/types.ts';
import { dealValues } from '../deal-change.ts';
import { attributionReport } from './attribution-report.ts';
import { dealPeople, mqlAtOf, scopeOf, settingsOf, touchesOf, type AttributionSection } from './deal-touches.ts';

export const REPORT_KINDS = ['revenue', 'pipeline'] as const;
export type ReportKind = (typeof REPORT_KINDS)[number];

export interface CreditQuery {
  model: AttributionModel;
  report: ReportKind;
  scope: AttributionScope;
  from: string | null;
  to: string | null;
}

/** Beside each report: its scope, the models the agreement defines (the dashboard's switcher) and ROI. */
interface Extras {
  scope: AttributionScope;
  models: string[];
  roi: Roi;
}
export type RevenueReport = AttributionSummary & { report: 'revenue' } & Extras;
export type PipelineReport = PipelineSummary & Extras;
export type CreditReport = RevenueReport | PipelineReport;

type Section = AttributionSection;

/** Touches by person, read once per report. */
class TouchCache {
  readonly #store: Store;
  readonly #byPerson = new Map<number, Touch[]>();
  constructor(store: Store) {
    this.#store = store;
  }
  async of(people: readonly PersonRow[]): Promise<Touch[]> {
    const out: Touch[] = [];
    for (const p of people) {
      let touches = this.#byPerson.get(p.id);
      if (!touches) this.#byPerson.set(p.id, (touches = await touchesOf(this.#store, [p])));
      out.push(...touches);
    }
    return out;
  }
}

/** Won deals' revenue under a scope other than the one their stored results were computed under. */
async function revenueUnderScope(
  store: Store,
  q: CreditQuery,
  section: Section,
  cache: TouchCache,
): Promise<AttributionSummary> {
  const settings = settingsOf(section);
  const results: AttributionResult[] = [];
  const deals: DealInput[] = [];
  for (const row of await store.attributionFor('linear', null, null)) {
    const deal = await store.getDeal(row.dealKey);
    const amount = deal ? Number(dealValues(deal).amount) : NaN;
    const input: DealInput = {
      key: row.dealKey,
      amount: Number.isFinite(amount) ? amount : row.amountCents / 100,
      closeDate: row.closeDate,
      createdAt: deal?.createdAt ?? row.closeDate,
      mqlAt: null,
    };
    deals.push(input);
    if (!deal) continue;
    const people = await dealPeople(store, deal, q.scope);
    input.mqlAt = await mqlAtOf(store, people, input.createdAt);
    results.push(attribute(input, await cache.of(people), q.model, settings));
  }
  return summarize(results, deals, { model: q.model, from: q.from, to: q.to });
}

async function pipelineReport(
  store: Store,
  q: CreditQuery,
  section: Section,
  cache: TouchCache,
): Promise<PipelineSummary> {
  const inputs: { deal: PipelineDeal; touches: Touch[] }[] = [];
  for (const deal of await store.dealsCreated(q.from, q.to)) {
    const amount = Number(dealValues(deal).amount);
    // A deal without an amount or a creation time is no pipeline to credit.
    if (!deal.createdAt || !Number.isFinite(amount)) continue;
    const people = await dealPeople(store, deal, q.scope);
    inputs.push({
      deal: { key: deal.key, amount, createdAt: deal.createdAt, mqlAt: await mqlAtOf(store, people, deal.createdAt) },
      touches: await cache.of(people),
    });
  }
  return pipelineCredit(inputs, q.model, settingsOf(section), { from: q.from, to: q.to });
}

/** The period's MQLs by the campaign and channel of the touch before each. */
async function mqlCounts(store: Store, q: CreditQuery, section: Section, cache: TouchCache) {
  const mqls: { personKey: string; at: string }[] = [];
  const touches = new Map<string, Touch[]>();
  for (const t of await store.transitionsBetween(q.from, q.to, 1_000_000)) {
    if (t.to !== 'mql' || t.breached) continue;
    const person = await store.getPerson(t.personId);
    if (!person) continue;
    mqls.push({ personKey: person.email, at: t.at });
    if (!touches.has(person.email)) touches.set(person.email, await cache.of([person]));
  }
  return mqlsByTouch(mqls, touches, settingsOf(section).lookback);
}

/**
 * The report `q` asks for. Revenue under the agreement's own scope is the stored results (what
 * CampaignInfluence and the HubSpot summary hold); under the other scope, and the pipeline report
 * always, it is computed from the stored deals, people and touches.
 */
export async function creditReport(
  store: Store,
  section: Section,
  q: CreditQuery,
  campaignCosts: Readonly<Record<string, number>>,
): Promise<CreditReport> {
  const cache = new TouchCache(store);
  const revenue =
    q.scope === scopeOf(section)
      ? await attributionReport(store, q.model, q.from, q.to)
      : await revenueUnderScope(store, q, section, cache);
  const pipeline = await pipelineReport(store, q, section, cache);
  const extras: Extras = {
    scope: q.scope,
    models: definedModels(section),
    roi: roi({
      revenue,
      pipeline,
      mqls: await mqlCounts(store, q, section, cache),
      campaignCosts,
      costs: section?.costs ?? [],
    }),
  };
  return q.report === 'revenue' ? { ...revenue, report: 'revenue', ...extras } : { ...pipeline, ...extras };
}
