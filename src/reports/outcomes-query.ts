/** Pure: the outcome report's query (`--version --from --to`, `?version&from&to`) checked; errors name the field. */
import { instantProblem } from '../platform/edge-input.ts';
import { InputError } from '../platform/errors.ts';

export interface OutcomeQueryInput {
  version?: unknown;
  from?: unknown;
  to?: unknown;
}

/** `version` a positive integer, `from`/`to` ISO instants with `from < to`; `InputError` naming the field otherwise. */
export function parseOutcomeQuery(q: OutcomeQueryInput): {
  version: number | null;
  from: string | null;
  to: string | null;
} {
  const present = (v: unknown) => v !== undefined && v !== '';
  let version: number | null = null;
  if (present(q.version)) {
    const v = q.version;
    if (typeof v !== 'string' || !/^[1-9]\d{0,8}$/.test(v))
      throw new InputError(
        `version: expected a positive whole number (an agreement version), got ${JSON.stringify(v)}`,
        {
          field: 'version',
        },
      );
    version = Number(v);
  }
  const instant = (name: 'from' | 'to'): string | null => {
    const v = q[name];
    if (!present(v)) return null;
    const problem = typeof v === 'string' ? instantProblem(v) : 'expected one ISO 8601 date or time';
    if (problem) throw new InputError(`${name}: ${problem}`, { field: name });
    return v as string;
  };
  const from = instant('from');
  const to = instant('to');
  if (from && to && Date.parse(from) >= Date.parse(to))
    throw new InputError(`to: expected a time after from (${from}), got ${to}`, { field: 'to' });
  return { version, from, to };
}
