/**
 * `/api/outcomes` and `baton report outcomes`: reads the store in a few scans (`Store.outcomeRows`),
 * folds and computes with the pure modules (src/reports/outcomes*.ts), and adds the threshold
 * suggestion. Nothing here changes the agreement; `--suggest` only writes a draft file.
 */
import { compileScorers } from '../../agreement/scores.ts';
import type { AgreementConfig } from '../../config/schema.ts';
import { computeOutcomes, type OutcomeReport } from '../../reports/outcomes.ts';
import { mqlThresholds } from '../../reports/outcomes-draft.ts';
import { foldOutcomes, type ScoreRuleLookup } from '../../reports/outcomes-fold.ts';
import { suggestThresholds, type ThresholdSuggestion } from '../../reports/outcomes-suggest.ts';
import type { Store } from '../../store/types.ts';

export interface OutcomeQuery {
  version: number | null;
  from: string | null;
  to: string | null;
}

export type OutcomeReportWithSuggestion = OutcomeReport & {
  thresholds: { fit: number | null; engagement: number | null };
  suggestion: ThresholdSuggestion;
};

/** Score rules of `agreement` as the report looks them up (fit over stored fields, an event's first engagement rule). */
export function scoreRuleLookup(agreement: AgreementConfig, now: string): ScoreRuleLookup {
  const scorers = compileScorers(agreement.score);
  const at = Date.parse(now);
  return {
    fitRules(email, fields) {
      const ctx = { email, person: fields, deal: null, scores: { fit: 0, engagement: 0 }, events: [], at };
      return scorers.fitRules.filter((r) => r.holds(ctx)).map((r) => r.id);
    },
    engagementRule(type, properties) {
      const i = scorers.ruleOf(type, properties);
      return i < 0 ? null : scorers.engagementRules[i].id;
    },
  };
}

/** The outcome report of the people `q` chooses, judged against `agreement` (the live one, version `liveVersion`). */
export async function loadOutcomes(
  store: Store,
  agreement: AgreementConfig,
  liveVersion: number,
  q: OutcomeQuery,
  now: string,
): Promise<OutcomeReportWithSuggestion> {
  const rows = await store.outcomeRows();
  const people = foldOutcomes(rows, { ...q, liveVersion }, scoreRuleLookup(agreement, now));
  const fitMax = agreement.score.fit.max;
  const engagementMax = agreement.score.engagement.max;
  const found = mqlThresholds(agreement.stages.mql);
  const thresholds = { fit: found.fit?.value ?? null, engagement: found.engagement?.value ?? null };
  const report = computeOutcomes({ ...q, fitMax, engagementMax, people });
  const suggestion = suggestThresholds({
    people,
    current: { fit: thresholds.fit ?? 0, engagement: thresholds.engagement ?? 0 },
    fitMax,
    engagementMax,
  });
  return { ...report, thresholds, suggestion };
}
