/**
 * `baton attribution [--model M] [--report revenue|pipeline] [--scope contact_roles|account] [--from ISO]
 * [--to ISO] [--json]`: revenue (or pipeline) credited by campaign and channel, with ROI per campaign.
 */
import { parseArgs } from 'node:util';
import type { AttributionSummary } from '../attribution/index.ts';
import type { PipelineSummary } from '../attribution/pipeline.ts';
import type { RoiRow } from '../attribution/roi.ts';
import { loadConfig } from '../config/load.ts';
import { ATTRIBUTION_MODELS, ATTRIBUTION_SCOPES, type AttributionModel } from '../config/schema.ts';
import { requestRecompute } from '../pipeline/attribution/recompute.ts';
import { storedCampaignCosts } from '../pipeline/attribution/campaign-costs.ts';
import { creditQuery } from '../pipeline/attribution/credit-query.ts';
import { creditReport, REPORT_KINDS, type CreditReport } from '../pipeline/attribution/credit-report.ts';
import type { AttributionSection } from '../pipeline/attribution/deal-touches.ts';
import { markovReport, type MarkovSummary } from '../pipeline/attribution/markov-report.ts';
import { formatMarkov } from './attribution-markov.ts';
import { runWithStore } from './with-store.ts';
import type { Store } from '../store/types.ts';
import { BatonError } from '../platform/errors.ts';

export const summary = 'revenue and pipeline credited by campaign and channel, with ROI';

const USAGE = `usage: baton attribution [--model M] [--report revenue|pipeline] [--scope contact_roles|account]
                         [--from ISO] [--to ISO] [--json] [--recompute] [--config DIR]

  --model  one of ${ATTRIBUTION_MODELS.join(', ')} (default: the agreement's default_model);
           markov is learned from the journeys of won and lost deals and reports how many, or why it refuses
  --report  ${REPORT_KINDS.join(' or ')}: won revenue (deals closing in the window), or pipeline
            (deals created in [from, to), credited at their creation; sourced and influenced)
  --scope  ${ATTRIBUTION_SCOPES.join(' or ')}: whose touches count (default: the agreement's scope)
  --from, --to  the window (default: all)
  --recompute  have baton serve recompute every won deal's credit (and replace its CampaignInfluence
               rows and HubSpot summary) within seconds

ROI per campaign: cost (Salesforce Campaign.ActualCost as serve last read it, or attribution.costs),
credited revenue and pipeline, MQLs, cost per MQL and return per dollar (revenue / cost).`;

const money = (n: number) => n.toLocaleString('en-US', { minimumFractionDigits: 2, maximumFractionDigits: 2 });

function section(title: string, rows: Record<string, number>, total: number, amount = 'REVENUE'): string {
  const entries = Object.entries(rows);
  const width = Math.max(title.length, ...entries.map(([k]) => k.length));
  return [
    `${title.padEnd(width)}  ${amount.padStart(14)}  SHARE`,
    ...entries.map(
      ([k, v]) =>
        `${k.padEnd(width)}  ${money(v).padStart(14)}  ${total ? ((v / total) * 100).toFixed(1).padStart(5) + '%' : ''}`,
    ),
  ].join('\n');
}

function roiTable(rows: RoiRow[]): string {
  const width = Math.max('CAMPAIGN'.length, ...rows.map((r) => r.name.length));
  const cell = (v: number | null, digits = 2) => (v === null ? '—' : v.toFixed(digits)).padStart(12);
  return [
    `${'CAMPAIGN'.padEnd(width)}  ${['COST', 'REVENUE', 'PIPELINE', 'MQLS', 'COST/MQL', 'RETURN/$'].map((h) => h.padStart(12)).join('  ')}`,
    ...rows.map((r) =>
      [
        r.name.padEnd(width),
        cell(r.cost),
        cell(r.revenue),
        cell(r.pipeline),
        String(r.mqls).padStart(12),
        cell(r.cost_per_mql),
        cell(r.return_per_dollar),
      ].join('  '),
    ),
  ].join('\n');
}

/** The readable table of a summary. */
export function formatAttribution(s: AttributionSummary | CreditReport): string {
  const window = s.from || s.to ? `${s.from ?? '…'} to ${s.to ?? '…'}` : 'all time';
  const scope = 'scope' in s ? `, scope ${s.scope}` : '';
  const roi = 'roi' in s ? ['', roiTable(s.roi.by_campaign)] : [];
  if ('report' in s && s.report === 'pipeline') {
    const p: PipelineSummary = s;
    return [
      `model ${p.model}${scope}, deals created ${window}: ${p.deals} deal${p.deals === 1 ? '' : 's'}, pipeline ${money(p.pipeline)}, unattributed ${money(p.unattributed)}`,
      '',
      section('CAMPAIGN', p.by_campaign, p.pipeline, 'CREDITED'),
      '',
      section('SOURCED BY CAMPAIGN', p.sourced.by_campaign, p.pipeline, 'SOURCED'),
      '',
      section('INFLUENCED BY CAMPAIGN', p.influenced.by_campaign, p.pipeline, 'INFLUENCED'),
      '',
      section('CHANNEL', p.by_channel, p.pipeline, 'CREDITED'),
      ...roi,
    ].join('\n');
  }
  const r = s as AttributionSummary;
  return [
    `model ${r.model}${scope}, ${window}: ${r.deals} won deal${r.deals === 1 ? '' : 's'}, revenue ${money(r.revenue)}, unattributed ${money(r.unattributed)}`,
    '',
    section('CAMPAIGN', r.by_campaign, r.revenue),
    '',
    section('CHANNEL', r.by_channel, r.revenue),
    ...roi,
  ].join('\n');
}

function instant(v: string | undefined, name: string): string | null {
  if (v === undefined) return null;
  if (!/^\d{4}-\d{2}-\d{2}/.test(v) || Number.isNaN(Date.parse(v)))
    throw new BatonError('bad_option', `--${name}: expected an ISO 8601 date or time, got '${v}'`);
  return v;
}

/** The attribution report from `store`. */
export async function attribution(
  store: Store,
  args: string[],
  defaultModel: AttributionModel,
  settings: AttributionSection = {},
): Promise<{ text: string; summary: CreditReport | MarkovSummary }> {
  const { values } = parseArgs({
    args,
    options: {
      model: { type: 'string' },
      from: { type: 'string' },
      to: { type: 'string' },
      json: { type: 'boolean' },
      config: { type: 'string' },
      recompute: { type: 'boolean' },
      report: { type: 'string' },
      scope: { type: 'string' },
    },
    strict: true,
  });
  const attributionSection = { ...settings, default_model: defaultModel };
  const query = creditQuery(
    {
      model: values.model,
      report: values.report,
      scope: values.scope,
      from: instant(values.from, 'from'),
      to: instant(values.to, 'to'),
    },
    attributionSection,
    '--',
  );
  if (values.recompute) await requestRecompute(store);
  if (query.model === 'markov') {
    const m = await markovReport(store, settings, query.from, query.to);
    return { summary: m, text: values.json ? JSON.stringify(m, null, 2) : formatMarkov(m, formatAttribution(m)) };
  }
  const s = await creditReport(store, attributionSection, query, await storedCampaignCosts(store));
  return { summary: s, text: values.json ? JSON.stringify(s, null, 2) : formatAttribution(s) };
}

export function run(args: string[]): Promise<number> {
  return runWithStore(
    'attribution',
    USAGE,
    args,
    async (store) => {
      const i = args.indexOf('--config');
      const dir = i >= 0 ? args[i + 1] : process.env.BATON_CONFIG_DIR || './mappings';
      const settings = await loadConfig(dir).then(
        (c) => c.agreement.attribution,
        () => undefined,
      );
      console.log((await attribution(store, args, settings?.default_model ?? 'w_shaped', settings ?? {})).text);
      return 0;
    },
    `\n\n${USAGE}`,
  );
}
