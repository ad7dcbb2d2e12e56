/**
 * `baton report outcomes`: the outcome report from the store, judged against the agreement of
 * `--config` (the live one), as a table or `--json`; `--suggest FILE` writes a draft agreement with
 * the suggested thresholds (never the live file: it must go through preview and approvals).
 */
import { writeFile } from 'node:fs/promises';
import { parseArgs } from 'node:util';
import { loadConfig } from '../config/load.ts';
import { loadOutcomes, type OutcomeReportWithSuggestion } from '../pipeline/reports/outcomes.ts';
import { BatonError, InputError } from '../platform/errors.ts';
import { draftAgreement } from '../reports/outcomes-draft.ts';
import { parseOutcomeQuery } from '../reports/outcomes-query.ts';
import type { Store } from '../store/types.ts';

export const USAGE = `usage: baton report outcomes [--version V] [--from ISO] [--to ISO] [--json] [--suggest FILE] [--config DIR]

  --version  only people handed over (else first moved) under this agreement version
  --from, --to  only people handed over (else first moved) in this window (default: all)
  --suggest FILE  write a draft agreement with the suggested fit and engagement thresholds (same MQLs,
                  higher acceptance; else more MQLs at the same acceptance), approvals removed, version + 1
  --config DIR  the configuration folder (default: BATON_CONFIG_DIR or ./mappings)`;

const pct = (v: number) => `${(v * 100).toFixed(1)}%`;

/** The readable report. */
export function formatOutcomes(r: OutcomeReportWithSuggestion): string {
  const window = r.from || r.to ? `${r.from ?? '…'} to ${r.to ?? '…'}` : 'all time';
  const lines = [
    `outcomes${r.version === null ? '' : ` of version ${r.version}`}, ${window}: ${r.people} people, ` +
      `${r.totals.mql} mql, ${r.totals.sal} sal, ${r.totals.sql} sql, ${r.totals.opportunity} opportunity, ${r.totals.won} won`,
    `bands: ${r.bands.definition}`,
  ];
  for (const score of ['fit', 'engagement'] as const) {
    lines.push('', `${score.toUpperCase().padEnd(10)} PEOPLE    MQL    SAL    SQL    OPP    WON  OPP-RATE  LIFT`);
    for (const b of r.conversion[score])
      lines.push(
        `${b.band.padEnd(10)} ${[b.people, b.mql, b.sal, b.sql, b.opportunity, b.won].map((n) => String(n).padStart(6)).join(' ')}` +
          `  ${pct(b.opportunity_rate).padStart(8)}  ${b.lift_opportunity ?? '-'}`,
      );
  }
  const rules = (title: string, rows: OutcomeReportWithSuggestion['score_rules']) => {
    lines.push('', `${title.padEnd(24)} PEOPLE  ACCEPT  REVENUE  DAYS  REJECT REASONS`);
    for (const x of rows)
      lines.push(
        `${x.rule.padEnd(24)} ${String(x.people).padStart(6)}  ${pct(x.acceptance).padStart(6)}  ${String(x.won_revenue).padStart(7)}` +
          `  ${String(x.median_days_to_close ?? '-').padStart(4)}  ${Object.entries(x.reject_reasons)
            .map(([k, v]) => `${k} ${v}`)
            .join(', ')}`,
      );
  };
  rules('QUALIFICATION RULE', r.qualification_rules);
  rules('SCORE RULE', r.score_rules);
  lines.push(
    '',
    `missed buyers (below the MQL line, reached a deal): ${r.missed_buyers.count}`,
    ...r.missed_buyers.people.slice(0, 10).map((p) => `  ${p.href}`),
    `false alarms (handed over, rejected): ${r.false_alarms.count}`,
    ...r.false_alarms.people.slice(0, 10).map((p) => `  ${p.href}`),
  );
  const s = r.suggestion;
  const t = (o: typeof s.current) =>
    `fit ≥ ${o.fit}, engagement ≥ ${o.engagement}: ${o.mqls} MQLs, acceptance ${pct(o.acceptance)}`;
  lines.push('', `thresholds now: ${t(s.current)}`);
  lines.push(`suggested, same MQLs: ${s.same_mqls ? t(s.same_mqls) : 'none better'}`);
  lines.push(`suggested, more MQLs: ${s.more_mqls ? t(s.more_mqls) : 'none'}`);
  return lines.join('\n');
}

/** Runs `baton report outcomes ARGS` on `store`; returns what to print. */
export async function reportOutcomes(store: Store, args: string[], now: string): Promise<string> {
  const { values } = parseArgs({
    args,
    options: {
      version: { type: 'string' },
      from: { type: 'string' },
      to: { type: 'string' },
      json: { type: 'boolean' },
      suggest: { type: 'string' },
      config: { type: 'string' },
    },
    strict: true,
  });
  let q;
  try {
    q = parseOutcomeQuery(values);
  } catch (e) {
    const field = e instanceof InputError ? String(e.details.field) : '';
    throw new BatonError('bad_option', `--${e instanceof Error ? e.message : String(e)}`, {
      cause: e,
      details: { field },
    });
  }
  const cfg = await loadConfig(values.config ?? (process.env.BATON_CONFIG_DIR || './mappings'));
  const report = await loadOutcomes(store, cfg.agreement, cfg.agreement.version, q, now);
  let note = '';
  if (values.suggest) {
    const pick = report.suggestion.same_mqls ?? report.suggestion.more_mqls;
    if (!pick)
      throw new BatonError('bad_option', '--suggest: no thresholds did better on this history; nothing written');
    const live = await store.liveAgreementVersion();
    const text = live && live.version === cfg.agreement.version ? live.text : cfg.texts.agreement;
    await writeFile(values.suggest, draftAgreement(text, { fit: pick.fit, engagement: pick.engagement }));
    note = `\n\nwrote ${values.suggest}: a draft (fit ≥ ${pick.fit}, engagement ≥ ${pick.engagement}, approvals removed); preview it with baton validate and baton simulate --against, then both owners approve`;
  }
  return values.json ? JSON.stringify(report, null, 2) : formatOutcomes(report) + note;
}
