/** `baton attribution [--model M] [--from ISO] [--to ISO] [--json]`: revenue credited by campaign and channel. */
import { parseArgs } from 'node:util';
import type { AttributionSummary } from '../attribution/index.ts';
import { loadConfig } from '../config/load.ts';
import { definedModel } from '../attribution/index.ts';
import { ATTRIBUTION_MODELS, type AgreementConfig, type AttributionModel } from '../config/schema.ts';
import { requestRecompute } from '../pipeline/attribution/recompute.ts';
import { attributionReport } from '../pipeline/attribution/attribution-report.ts';
import { markovReport } from '../pipeline/attribution/markov-report.ts';
import { formatMarkov } from './attribution-markov.ts';
import { runWithStore } from './with-store.ts';
import type { Store } from '../store/types.ts';
import { BatonError } from '../platform/errors.ts';

export const summary = 'revenue credited by campaign and channel';

const USAGE = `usage: baton attribution [--model M] [--from ISO] [--to ISO] [--json] [--recompute] [--config DIR]

  --model  one of ${ATTRIBUTION_MODELS.join(', ')} (default: the agreement's default_model);
           markov is learned from the journeys of won and lost deals and reports how many, or why it refuses
  --from, --to  won deals whose close date falls in the window (default: all)
  --recompute  have baton serve recompute every won deal's credit (and replace its CampaignInfluence
               rows and HubSpot summary) within seconds`;

type AttributionSettingsLike = Partial<NonNullable<AgreementConfig['attribution']>> | null | undefined;

const money = (n: number) => n.toLocaleString('en-US', { minimumFractionDigits: 2, maximumFractionDigits: 2 });

/** The readable table of a summary. */
export function formatAttribution(s: AttributionSummary): string {
  const window = s.from || s.to ? `${s.from ?? '…'} to ${s.to ?? '…'}` : 'all time';
  const section = (title: string, rows: Record<string, number>) => {
    const entries = Object.entries(rows);
    const width = Math.max(title.length, ...entries.map(([k]) => k.length));
    return [
      `${title.padEnd(width)}  ${'REVENUE'.padStart(14)}  SHARE`,
      ...entries.map(
        ([k, v]) =>
          `${k.padEnd(width)}  ${money(v).padStart(14)}  ${s.revenue ? ((v / s.revenue) * 100).toFixed(1).padStart(5) + '%' : ''}`,
      ),
    ].join('\n');
  };
  return [
    `model ${s.model}, ${window}: ${s.deals} won deal${s.deals === 1 ? '' : 's'}, revenue ${money(s.revenue)}, unattributed ${money(s.unattributed)}`,
    '',
    section('CAMPAIGN', s.by_campaign),
    '',
    section('CHANNEL', s.by_channel),
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
  settings: AttributionSettingsLike = { custom: undefined },
): Promise<{ text: string; summary: AttributionSummary }> {
  const { values } = parseArgs({
    args,
    options: {
      model: { type: 'string' },
      from: { type: 'string' },
      to: { type: 'string' },
      json: { type: 'boolean' },
      config: { type: 'string' },
      recompute: { type: 'boolean' },
    },
    strict: true,
  });
  const model = definedModel(values.model ?? defaultModel, settings, '--model');
  if (values.recompute) await requestRecompute(store);
  if (model === 'markov') {
    const m = await markovReport(store, settings, instant(values.from, 'from'), instant(values.to, 'to'));
    return { summary: m, text: values.json ? JSON.stringify(m, null, 2) : formatMarkov(m, formatAttribution(m)) };
  }
  const s = await attributionReport(store, model, instant(values.from, 'from'), instant(values.to, 'to'));
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
      console.log((await attribution(store, args, settings?.default_model ?? 'w_shaped', settings)).text);
      return 0;
    },
    `\n\n${USAGE}`,
  );
}
