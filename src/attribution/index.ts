/** The attribution module: key touches, the eight rule-based models and markov, the cents split, reports. Pure. */
export type {
  Touch,
  DealInput,
  AttributionSettings,
  Share,
  KeyTouches,
  AttributionResult,
  AttributionModel,
} from './types.ts';
export { attribute, attributeAllModels } from './attribute.ts';
export { mqlAtFor, closeInstant, touchesInWindow, keyIndexes } from './touches.ts';
export { splitCents, toCents, fromCents } from './split.ts';
export { summarize, summaryText, NONE, type AttributionSummary, type SummaryWindow } from './report.ts';
export { influenceRows, type InfluenceRow, type CampaignLookup, type InfluenceResult } from './influence.ts';
export { definedModels, definedModel } from './defined.ts';
export { fitMarkov, type Journey, type MarkovFit } from './markov.ts';
export { dealJourney, markovCredit, personJourney, stateOf } from './markov-credit.ts';
