/** Which attribution models an agreement defines, and the check that a requested model is one of them. */
import { ATTRIBUTION_MODELS } from '../config/schema.ts';
import { InputError } from '../platform/errors.ts';
import type { AttributionModel, AttributionSettings } from './types.ts';

/**
 * The models `settings` define: the seven fixed ones, `custom` only with its weights, and `markov`
 * whenever there is an `attribution` section (it needs no settings of its own).
 */
export function definedModels(settings: Pick<AttributionSettings, 'custom'> | null | undefined): AttributionModel[] {
  return ATTRIBUTION_MODELS.filter((m) => (m === 'custom' ? !!settings?.custom : m === 'markov' ? !!settings : true));
}

/**
 * `name` as a model the agreement defines; otherwise an `InputError` naming the defined ones, so
 * a report never answers "0 deals" for a model that was never computed.
 */
export function definedModel(
  name: unknown,
  settings: Pick<AttributionSettings, 'custom'> | null | undefined,
  field = 'model',
): AttributionModel {
  const defined = definedModels(settings);
  if (typeof name === 'string' && (defined as readonly string[]).includes(name)) return name as AttributionModel;
  const shown = typeof name === 'string' ? `'${name}'` : 'a list';
  const why = name === 'custom' ? ' (custom needs attribution.custom: { ft, lc, oc, cw, rest } in the agreement)' : '';
  throw new InputError(
    `${field}: ${shown} is not a model the agreement defines${why}; defined: ${defined.join(', ')}`,
    { field, details: { expected: defined } },
  );
}
