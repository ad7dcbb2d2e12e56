/** The query of an attribution report (`/api/attribution` parameters, `baton attribution` options), checked. */
import { definedModel } from '../../attribution/index.ts';
import { ATTRIBUTION_SCOPES } from '../../config/schema.ts';
import { InputError } from '../../platform/errors.ts';
import { REPORT_KINDS, type CreditQuery } from './credit-report.ts';
import { scopeOf, type AttributionSection } from './deal-touches.ts';

/** `value` when it is one of `allowed`, `fallback` when absent; otherwise an `InputError` naming the allowed ones. */
function choice<const T extends readonly string[]>(value: unknown, allowed: T, field: string, fallback: T[number]) {
  if (value === undefined || value === '') return fallback;
  if (typeof value === 'string' && (allowed as readonly string[]).includes(value)) return value as T[number];
  const shown = typeof value === 'string' ? `'${value}'` : 'a list';
  throw new InputError(`${field}: ${shown} is not allowed; allowed: ${allowed.join(', ')}`, {
    field,
    details: { expected: [...allowed] },
  });
}

/**
 * The report a request asks for: the model (default the agreement's `default_model`), `report`
 * (`revenue` unless asked), `scope` (the agreement's unless asked). `prefix` names options as the
 * caller knows them (`--` for the CLI), so the error points at what to change.
 */
export function creditQuery(
  raw: { model?: unknown; report?: unknown; scope?: unknown; from: string | null; to: string | null },
  section: AttributionSection,
  prefix = '',
): CreditQuery {
  const m = raw.model;
  const model = definedModel(
    m === undefined || m === '' ? (section?.default_model ?? 'w_shaped') : m,
    section,
    `${prefix}model`,
  );
  const report = choice(raw.report, REPORT_KINDS, `${prefix}report`, 'revenue');
  // markov learns from closed journeys: it credits won revenue, not open pipeline.
  if (model === 'markov' && report === 'pipeline')
    throw new InputError(`${prefix}report: markov credits won revenue only; use report revenue or a rule-based model`, {
      field: `${prefix}report`,
      details: { expected: ['revenue'] },
    });
  return {
    model,
    report,
    scope: choice(raw.scope, ATTRIBUTION_SCOPES, `${prefix}scope`, scopeOf(section)),
    from: raw.from,
    to: raw.to,
  };
}
