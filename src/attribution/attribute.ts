/** Crediting one won deal's amount to its touches under a model, in integer cents. */
import { parseDuration } from '../config/duration.ts';
import { RULE_BASED_MODELS } from '../config/agreement-schema.ts';
import { modelWeights } from './models.ts';
import { splitCents, toCents } from './split.ts';
import { closeInstant, keyIndexes, sharesOf, touchesInWindow } from './touches.ts';
import type { AttributionModel, AttributionResult, AttributionSettings, DealInput, Touch } from './types.ts';

function durationMs(value: string | number): number {
  return typeof value === 'number' ? value : parseDuration(value);
}

/**
 * The credit of each touch of `deal` under `model`. Touches outside `close − lookback ≤ t ≤
 * close` do not count; when nothing can be credited the whole amount is unattributed.
 */
export function attribute(
  deal: DealInput,
  touches: readonly Touch[],
  model: AttributionModel,
  settings: AttributionSettings,
): AttributionResult {
  const closeMs = closeInstant(deal.closeDate);
  const placed = touchesInWindow(touches, closeMs, durationMs(settings.lookback));
  const keys = keyIndexes(placed, deal, closeMs);
  const amountCents = toCents(deal.amount);
  const weights = modelWeights(model, placed, keys, settings, durationMs(settings.time_decay_half_life));
  const cents = splitCents(amountCents, weights);
  const idAt = (i: number) => (i >= 0 ? placed[i].touch.id : null);
  const result: AttributionResult = {
    dealKey: deal.key,
    model,
    amountCents,
    shares: [],
    unattributedCents: amountCents,
    keys: { ft: idAt(keys.ft), lc: idAt(keys.lc), oc: idAt(keys.oc), cw: idAt(keys.cw) },
  };
  if (!cents) return result;
  result.unattributedCents = 0;
  result.shares = sharesOf(placed, cents, (i) => weights[i] > 0);
  return result;
}

/** `attribute` under every rule-based model; `custom` only when the settings define it (`markov`: see markov-credit.ts). */
export function attributeAllModels(
  deal: DealInput,
  touches: readonly Touch[],
  settings: AttributionSettings,
): Partial<Record<AttributionModel, AttributionResult>> {
  const out: Partial<Record<AttributionModel, AttributionResult>> = {};
  for (const model of RULE_BASED_MODELS) {
    if (model === 'custom' && !settings.custom) continue;
    out[model] = attribute(deal, touches, model, settings);
  }
  return out;
}
