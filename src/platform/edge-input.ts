/**
 * Checks of values from outside, made at the edge before anything parses deeply or stores them:
 * UTF-8 bodies, JSON nesting depth, finite numbers, real calendar instants in a sane range, and
 * email addresses without invisible characters. Pure; failures are `InputError`s naming the field.
 */
import { z } from 'zod';
import { InputError } from './errors.ts';

/** Deeper JSON than this is refused before `JSON.parse`: no CRM or API payload nests near it, and `JSON.stringify` recursion stays far from the stack limit. */
export const MAX_JSON_DEPTH = 32;

/** The accepted instants: 1970-01-01 up to 2100-12-31 (UTC). Earlier or later is a typo or an attack, never a CRM's change time. */
export const MIN_INSTANT_MS = Date.UTC(1970, 0, 1);
export const MAX_INSTANT_MS = Date.UTC(2101, 0, 1) - 1;

const UTF8 = new TextDecoder('utf-8', { fatal: true });

/** Decodes a body as strict UTF-8; `InputError` naming `field` on a malformed byte sequence. */
export function decodeUtf8(raw: Buffer | string | undefined, field = 'body'): string {
  if (raw === undefined) return '';
  if (typeof raw === 'string') return raw;
  try {
    return UTF8.decode(raw);
  } catch (err) {
    throw new InputError(`${field}: not valid UTF-8`, { field, cause: err });
  }
}

/** The deepest array/object nesting in a JSON text, counting only brackets outside strings; stops early past `limit`. */
export function jsonDepth(text: string, limit = Infinity): number {
  let depth = 0;
  let max = 0;
  let inString = false;
  for (let i = 0; i < text.length; i++) {
    const c = text.charCodeAt(i);
    if (inString) {
      if (c === 0x5c)
        i++; // backslash: skip the escaped character
      else if (c === 0x22) inString = false;
    } else if (c === 0x22) inString = true;
    else if (c === 0x5b || c === 0x7b) {
      if (++depth > max && (max = depth) > limit) return max;
    } else if (c === 0x5d || c === 0x7d) depth--;
  }
  return max;
}

/** The path of the first non-finite number (`1e999` parses to Infinity) in a parsed value, or null. */
export function nonFinitePath(value: unknown, path: (string | number)[] = []): (string | number)[] | null {
  if (typeof value === 'number') return Number.isFinite(value) ? null : path;
  if (Array.isArray(value)) {
    for (let i = 0; i < value.length; i++) {
      const p = nonFinitePath(value[i], [...path, i]);
      if (p) return p;
    }
  } else if (value && typeof value === 'object') {
    for (const [k, v] of Object.entries(value)) {
      const p = nonFinitePath(v, [...path, k]);
      if (p) return p;
    }
  }
  return null;
}

/** A path as a field name (`properties.score`, `changes.0.id`); a key that is empty or not a plain word is quoted (`[""]`), so the name is never blank. */
export function pathName(path: readonly PropertyKey[]): string {
  return path
    .map((seg) =>
      typeof seg === 'number' || (typeof seg === 'string' && /^[A-Za-z0-9_$-]+$/.test(seg))
        ? String(seg)
        : `[${JSON.stringify(String(seg))}]`,
    )
    .join('.');
}

/**
 * Parses a JSON body: strict UTF-8, at most `MAX_JSON_DEPTH` deep, every number finite. The error
 * never quotes the body (parser messages do), so it can be logged.
 */
export function parseJsonInput(raw: Buffer | string | undefined, field = 'body'): unknown {
  const text = decodeUtf8(raw, field);
  if (!text.trim()) throw new InputError(`${field}: expected a JSON body`, { field });
  if (jsonDepth(text, MAX_JSON_DEPTH) > MAX_JSON_DEPTH)
    throw new InputError(`${field}: nested deeper than ${MAX_JSON_DEPTH} levels`, { field });
  let value: unknown;
  try {
    value = JSON.parse(text);
  } catch (err) {
    const at = /position (\d+)/.exec(String((err as Error).message))?.[1];
    throw new InputError(`${field}: not valid JSON${at ? ` (at character ${at})` : ''}`, {
      field,
      cause: new Error('JSON.parse failed'),
    });
  }
  const bad = nonFinitePath(value);
  if (bad) {
    const name = bad.length ? pathName(bad) : field;
    throw new InputError(`${name}: expected a finite number`, { field: name });
  }
  return value;
}

const INSTANT = /^(\d{4})-(\d{2})-(\d{2})(?:T(\d{2}):(\d{2})(?::(\d{2})(?:\.\d{1,9})?)?(Z|[+-]\d{2}:?\d{2})?)?$/;

/**
 * Why an ISO 8601 date or date-time is not a real instant Baton takes (a calendar date that exists,
 * a time of day that exists, 1970..2100), or null when it is. `requireTime` refuses a bare date.
 */
export function instantProblem(s: string, opts: { requireTime?: boolean } = {}): string | null {
  const m = INSTANT.exec(s);
  if (!m || (opts.requireTime && m[4] === undefined))
    return opts.requireTime
      ? 'expected an ISO 8601 time, e.g. 2026-11-20T14:03:00Z'
      : 'expected an ISO 8601 date or time';
  const [y, mo, d] = [Number(m[1]), Number(m[2]), Number(m[3])];
  const day = new Date(Date.UTC(y, mo - 1, d));
  if (mo < 1 || mo > 12 || day.getUTCFullYear() !== y || day.getUTCMonth() !== mo - 1 || day.getUTCDate() !== d)
    return `${m[1]}-${m[2]}-${m[3]} is not a calendar date`;
  if (m[4] !== undefined && (Number(m[4]) > 23 || Number(m[5]) > 59 || Number(m[6] ?? 0) > 59))
    return 'expected a time of day 00:00:00..23:59:59';
  const ms = Date.parse(m[4] !== undefined && m[7] === undefined ? `${s}Z` : s);
  if (!Number.isFinite(ms)) return 'expected an ISO 8601 date or time';
  return instantRangeProblem(ms);
}

/** Why epoch milliseconds are outside 1970..2100, or null. */
export function instantRangeProblem(ms: number): string | null {
  if (!Number.isFinite(ms) || ms < MIN_INSTANT_MS || ms > MAX_INSTANT_MS)
    return 'expected a time between 1970 and 2100';
  return null;
}

/** The ISO instant (`…Z`) of a string `instantProblem` accepted; a time without an offset is UTC. */
export function toIsoInstant(s: string): string {
  return new Date(/T[\d:.]+$/.test(s) ? `${s}Z` : s).toISOString();
}

/** zod: an ISO 8601 date-time that is a real instant in 1970..2100, kept as written (dedup keys use the text). */
export const isoInstantText = z.string().superRefine((s, ctx) => {
  const problem = instantProblem(s, { requireTime: true });
  if (problem) ctx.addIssue({ code: 'custom', message: problem });
});

/** zod: `isoInstantText`, as `…Z`. */
export const isoInstant = isoInstantText.transform(toIsoInstant);

/** zod: epoch milliseconds in 1970..2100 (HubSpot's `occurredAt`). */
export const epochMs = z
  .number()
  .int()
  .refine((n) => instantRangeProblem(n) === null, { message: 'expected epoch milliseconds between 1970 and 2100' });

// Control (Cc), format (Cf: zero-width space/joiners, BOM, bidi marks), separators other than a plain space, and U+FFFD (a byte that was not UTF-8).
const INVISIBLE = /[\p{Cc}\p{Cf}\p{Zl}\p{Zp}\u00a0\u1680\u2000-\u200a\u202f\u205f\u3000\ufffd]/u;

/** Why an email (already trimmed) is not one Baton takes, or null. */
export function emailProblem(email: string): string | null {
  if (!email.isWellFormed() || INVISIBLE.test(email))
    return 'expected an email address without control, zero-width or invalid characters';
  if (email.length < 3 || email.length > 320 || !/^[^\s@]+@[^\s@]+$/.test(email)) return 'expected an email address';
  return null;
}

/** zod: an email address, trimmed and lower-cased (as every other path normalizes it), refused when it holds invisible characters. */
export const emailAddress = z
  .string()
  // Only plain spaces, tabs and line ends are trimmed: String#trim would also drop a BOM or a no-break space, which are refused.
  .transform((s) => s.replace(/^[ \t\r\n]+|[ \t\r\n]+$/g, '').toLowerCase())
  .superRefine((s, ctx) => {
    const problem = emailProblem(s);
    if (problem) ctx.addIssue({ code: 'custom', message: problem });
  });
