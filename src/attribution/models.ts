/**
 * The weight of each touch under each model (`agreement.md` "Attribution"). Weights are relative;
 * a key touch that does not exist simply adds nothing, so the rest is renormalised by the split.
 */
import { InputError } from '../platform/errors.ts';
import type { KeyIndexes, PlacedTouch } from './touches.ts';
import type { AttributionModel, AttributionSettings } from './types.ts';

/** Fractions for the key touches and for the rest, shared equally. */
export interface PositionWeights {
  ft: number;
  lc: number;
  oc: number;
  cw: number;
  rest: number;
}

const POSITIONAL: Partial<Record<AttributionModel, PositionWeights>> = {
  first_touch: { ft: 1, lc: 0, oc: 0, cw: 0, rest: 0 },
  last_touch: { ft: 0, lc: 0, oc: 1, cw: 0, rest: 0 },
  u_shaped: { ft: 0.4, lc: 0.4, oc: 0, cw: 0, rest: 0.2 },
  w_shaped: { ft: 0.3, lc: 0.3, oc: 0.3, cw: 0, rest: 0.1 },
  full_path: { ft: 0.225, lc: 0.225, oc: 0.225, cw: 0.225, rest: 0.1 },
};

const KEYS = ['ft', 'lc', 'oc', 'cw'] as const;

/**
 * Position-based weights. A position with weight 0 is not a key touch of the model (its touch
 * is one of the rest). Coinciding key touches add their weights; with no rest, the rest's weight
 * is shared equally by the distinct key touches that exist.
 */
export function positionalWeights(count: number, keys: KeyIndexes, w: PositionWeights): number[] {
  const weights = new Array<number>(count).fill(0);
  const keyTouches = new Set<number>();
  for (const k of KEYS) {
    if (w[k] > 0 && keys[k] >= 0) {
      weights[keys[k]] += w[k];
      keyTouches.add(keys[k]);
    }
  }
  const rest: number[] = [];
  for (let i = 0; i < count; i++) if (!keyTouches.has(i)) rest.push(i);
  const sharers = rest.length > 0 ? rest : [...keyTouches];
  if (w.rest > 0) for (const i of sharers) weights[i] += w.rest / sharers.length;
  return weights;
}

/** `0.5^((close − t) / half_life)`, taken relative to the latest touch so it never underflows to all zeros. */
export function timeDecayWeights(placed: readonly PlacedTouch[], halfLifeMs: number): number[] {
  if (placed.length === 0) return [];
  const latest = placed[placed.length - 1].ms;
  if (!(halfLifeMs > 0)) return placed.map((p) => (p.ms === latest ? 1 : 0));
  return placed.map((p) => 0.5 ** ((latest - p.ms) / halfLifeMs));
}

/** The relative weight of each touch in `placed` under `model`. */
export function modelWeights(
  model: AttributionModel,
  placed: readonly PlacedTouch[],
  keys: KeyIndexes,
  settings: AttributionSettings,
  halfLifeMs: number,
): number[] {
  if (model === 'linear') return placed.map(() => 1);
  if (model === 'time_decay') return timeDecayWeights(placed, halfLifeMs);
  if (model === 'custom') {
    if (!settings.custom)
      throw new InputError('model custom needs attribution.custom { ft, lc, oc, cw, rest }', {
        field: 'attribution.custom',
      });
    return positionalWeights(placed.length, keys, settings.custom);
  }
  if (model === 'markov')
    throw new InputError('markov learns from every journey at once: credit a deal with markovCredit', {
      field: 'model',
    });
  const w = POSITIONAL[model];
  if (!w) throw new InputError(`unknown attribution model '${model}'`, { field: 'model' });
  return positionalWeights(placed.length, keys, w);
}
