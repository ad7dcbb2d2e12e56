/**
 * Turns what the HubSpot SDK throws into Baton's `CrmError`: 429 and 5xx are retryable (with the
 * wait HubSpot's headers suggest), 401 and 403 name what to fix, other 4xx go to the dead letters
 * with HubSpot's own message — except a refusal that is not the record's (`setupProblemOf`).
 */
import { CrmError, errorMessage, SetupProblemError, type SetupProblem } from '../../src/platform/errors.ts';

interface SdkError {
  code?: number;
  body?: unknown;
  headers?: Record<string, string>;
}

function header(headers: Record<string, string> | undefined, name: string): string | undefined {
  if (!headers) return undefined;
  const key = Object.keys(headers).find((k) => k.toLowerCase() === name);
  return key ? headers[key] : undefined;
}

/** An error entry of HubSpot's body; every field may be missing. */
interface ErrorEntry {
  message?: string;
  code?: unknown;
  context?: Record<string, unknown> & { propertyName?: unknown };
}

/** HubSpot's error body as documented; unchecked, so every field may be missing. */
export interface HubSpotErrorBody {
  message?: string;
  correlationId?: string;
  category?: string;
  policyName?: string;
  errors?: unknown;
}

const entries = (errors: unknown): ErrorEntry[] => (Array.isArray(errors) ? (errors as ErrorEntry[]) : []);

function bodyOf(err: SdkError): HubSpotErrorBody {
  const b = err.body;
  if (b && typeof b === 'object') return b as HubSpotErrorBody;
  if (typeof b === 'string') {
    try {
      return JSON.parse(b) as HubSpotErrorBody;
    } catch {
      return { message: b };
    }
  }
  return {};
}

/** HubSpot's message plus the detail of its first `errors` entry, e.g. the property that was refused. */
export function hubspotMessage(body: HubSpotErrorBody): string {
  const first = entries(body.errors)[0];
  const detail = first?.message && first.message !== body.message ? ` (${first.message})` : '';
  return `${body.message ?? 'HubSpot error'}${detail}`;
}

/** Scopes HubSpot says are missing on a 403, if it says. */
export function missingScopes(body: HubSpotErrorBody): string[] {
  const out: string[] = [];
  for (const e of entries(body.errors)) {
    const ctx = e?.context ?? {};
    for (const k of ['requiredGranularScopes', 'requiredScopes', 'missingScopes']) {
      const listed = ctx[k];
      if (Array.isArray(listed)) out.push(...(listed as string[]));
    }
  }
  return [...new Set(out)];
}

/** How long HubSpot asks us to wait after a 429: Retry-After, else the rolling interval, else a second (search sends no headers). */
export function retryAfterMs(headers: Record<string, string> | undefined, body: HubSpotErrorBody): number {
  const ra = header(headers, 'retry-after');
  if (ra && Number.isFinite(Number(ra))) return Number(ra) * 1000;
  const interval = header(headers, 'x-hubspot-ratelimit-interval-milliseconds');
  const remaining = header(headers, 'x-hubspot-ratelimit-remaining');
  if (interval && remaining === '0') return Math.min(Number(interval), 10_000);
  if (body.policyName === 'TEN_SECONDLY_ROLLING' && interval) return Math.min(Number(interval), 10_000);
  return 1_000;
}

/** Maps one SDK failure of `operation` to a `CrmError`. */
export function toCrmError(err: unknown, operation: string): CrmError {
  if (err instanceof CrmError) return err;
  const e = err as SdkError;
  const status = typeof e?.code === 'number' ? e.code : undefined;
  if (status === undefined) {
    // No HTTP status: the request never got an answer (DNS, reset, timeout).
    return new CrmError('hubspot', `HubSpot ${operation} failed before an answer: ${errorMessage(err)}`, {
      cause: err,
      retryable: true,
      code: 'hubspot_network',
    });
  }
  const body = bodyOf(e);
  const msg = hubspotMessage(body);
  const details = { operation, correlationId: body.correlationId, category: body.category };
  if (status === 429) {
    return new CrmError('hubspot', `HubSpot rate limit on ${operation}: ${msg}`, {
      cause: err,
      status,
      retryable: true,
      retryAfterMs: retryAfterMs(e.headers, body),
      code: 'hubspot_rate_limited',
      details,
    });
  }
  if (status >= 500)
    return new CrmError('hubspot', `HubSpot ${operation} failed with ${status}: ${msg}`, {
      cause: err,
      status,
      retryable: true,
      details,
    });
  if (status === 401) {
    return new CrmError(
      'hubspot',
      `HubSpot refused the access token (401) on ${operation}: check HUBSPOT_ACCESS_TOKEN (${msg})`,
      { cause: err, status, code: 'hubspot_unauthorized', details },
    );
  }
  if (status === 403) {
    const scopes = missingScopes(body);
    const need = scopes.length
      ? `grant the private app the scope${scopes.length > 1 ? 's' : ''} ${scopes.join(', ')}`
      : 'check the private app scopes';
    return new CrmError('hubspot', `HubSpot denied ${operation} (403): ${need}`, {
      cause: err,
      status,
      code: 'hubspot_forbidden',
      details: { ...details, missingScopes: scopes },
    });
  }
  return new CrmError('hubspot', `HubSpot rejected ${operation} (${status}): ${msg}`, {
    cause: err,
    status,
    code: 'hubspot_rejected',
    details: { ...details, errors: body.errors },
  });
}

/** One refused property value of a 400 VALIDATION_ERROR: from `errors[]` and from the JSON list HubSpot puts in the message. */
interface Refusal {
  code: string;
  name: string;
  message: string;
}

function refusals(err: CrmError): Refusal[] {
  const out: Refusal[] = [];
  for (const e of entries(err.details.errors)) {
    const names: unknown[] = Array.isArray(e?.context?.propertyName) ? e.context.propertyName : [];
    for (const n of names)
      if (typeof e.code === 'string') out.push({ code: e.code, name: String(n), message: String(e.message ?? '') });
  }
  const listed = /Property values were not valid: (\[.*\])/s.exec(err.message)?.[1];
  if (listed) {
    try {
      for (const p of JSON.parse(listed) as Record<string, unknown>[])
        if (typeof p.error === 'string' && typeof p.name === 'string')
          out.push({ code: p.error, name: p.name, message: String(p.message ?? '') });
    } catch {
      // HubSpot's message cut short: errors[] said what it could
    }
  }
  return out;
}

const uniqueNames = (xs: Refusal[]) => [...new Set(xs.map((x) => x.name))];

/**
 * The setup problem behind a refused HubSpot write of `object` (`contact`, `deal`), or null when
 * the refusal may be one record's: a 403 (a scope the token lacks), a property that does not
 * exist, or an option `configured` says Baton writes for every record that gets it.
 */
export function setupProblemOf(
  err: unknown,
  object: string,
  configured: (property: string, value: string) => boolean,
): SetupProblem | null {
  if (!(err instanceof CrmError) || err.crm !== 'hubspot' || err.retryable) return null;
  if (err instanceof SetupProblemError) return err.problem;
  const plural = `${object === 'company' ? 'companie' : object}s`;
  if (err.status === 403) {
    const scopes = (err.details.missingScopes as string[] | undefined) ?? [];
    return {
      crm: 'hubspot',
      kind: 'missing_scope',
      object,
      scopes,
      message: `HubSpot denies Baton's writes of ${plural}${scopes.length ? `: the token lacks ${scopes.join(', ')}` : ''}`,
      fix: `grant the app ${scopes.length ? `the scope${scopes.length > 1 ? 's' : ''} ${scopes.join(', ')}` : `the ${plural} write scope`} (Baton re-checks every minute)`,
    };
  }
  if (err.status !== 400) return null;
  const refused = refusals(err);
  const missing = uniqueNames(refused.filter((r) => r.code === 'PROPERTY_DOESNT_EXIST'));
  if (missing.length) {
    const own = missing.every((n) => n.startsWith('baton_'));
    return {
      crm: 'hubspot',
      kind: 'missing_field',
      object,
      fields: missing,
      message: `HubSpot ${object} propert${missing.length > 1 ? 'ies' : 'y'} ${missing.join(', ')} ${missing.length > 1 ? 'do' : 'does'} not exist`,
      fix: own
        ? `let Baton create ${missing.length > 1 ? 'them' : 'it'} by granting the scope crm.schemas.${plural}.write (it tries again at every re-check), or create ${missing.length > 1 ? 'them' : 'it'} in HubSpot under Settings → Properties`
        : `create ${missing.length > 1 ? 'them' : 'it'} in HubSpot under Settings → Properties, or change fields.yaml`,
    };
  }
  for (const r of refused.filter((x) => x.code === 'INVALID_OPTION')) {
    const value = /^(.*) was not one of the allowed options/s.exec(r.message)?.[1];
    if (value !== undefined && configured(r.name, value)) {
      return {
        crm: 'hubspot',
        kind: 'value_not_allowed',
        object,
        fields: [r.name],
        value,
        message: `HubSpot ${object} property ${r.name} has no option '${value}', which Baton writes from fields.yaml`,
        fix: `add the option '${value}' to ${r.name} in HubSpot, or change the value in fields.yaml`,
      };
    }
  }
  return null;
}
