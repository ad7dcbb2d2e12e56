/**
 * The value semantics every condition shares: what "missing" means, what parses as a number, and
 * each operator compiled into a predicate on one value (decided in agreement.md, "Edge cases").
 */
import { compileRegex } from '../config/regex.ts';
import { BatonError } from '../platform/errors.ts';

export type ValuePredicate = (v: unknown) => boolean;

const PLAIN_DECIMAL = /^-?\d+(\.\d+)?$/;
const LITERAL = /^[^\\^$.|?*+()[\]{}]*$/;

/** Absent, `null`, or a blank string. */
export function isMissing(v: unknown): boolean {
  if (v === undefined || v === null) return true;
  return typeof v === 'string' && v.trim() === '';
}

/** The number a value parses as (a JSON number or a plain decimal string), else NaN. */
export function asNumber(v: unknown): number {
  if (typeof v === 'number') return Number.isFinite(v) ? v : NaN;
  if (typeof v === 'string') {
    const s = v.trim();
    return PLAIN_DECIMAL.test(s) ? Number(s) : NaN;
  }
  return NaN;
}

function isScalar(v: unknown): v is string | number | boolean {
  return typeof v === 'string' || typeof v === 'number' || typeof v === 'boolean';
}

type Ordering = 'gt' | 'gte' | 'lt' | 'lte';

function holdsOrder(op: Ordering, c: number): boolean {
  switch (op) {
    case 'gt':
      return c > 0;
    case 'gte':
      return c >= 0;
    case 'lt':
      return c < 0;
    default:
      return c <= 0;
  }
}

/** `gt gte lt lte`: numbers as numbers, two non-numbers as strings, any other mix does not hold. */
function ordering(op: Ordering, expected: unknown): ValuePredicate {
  const en = asNumber(expected);
  if (!Number.isNaN(en)) {
    // Specialised closures: this runs once per rule per person in the hot path.
    switch (op) {
      case 'gt':
        return (v) => (typeof v === 'number' ? v > en : asNumber(v) > en);
      case 'gte':
        return (v) => (typeof v === 'number' ? v >= en : asNumber(v) >= en);
      case 'lt':
        return (v) => (typeof v === 'number' ? v < en : asNumber(v) < en);
      default:
        return (v) => (typeof v === 'number' ? v <= en : asNumber(v) <= en);
    }
  }
  const es = String(expected);
  return (v) => {
    if (!isScalar(v) || !Number.isNaN(asNumber(v))) return false;
    const s = String(v);
    return holdsOrder(op, s < es ? -1 : s > es ? 1 : 0);
  };
}

function equals(expected: unknown): ValuePredicate {
  const es = String(expected);
  return (v) => isScalar(v) && String(v) === es;
}

function contains(expected: unknown): ValuePredicate {
  const es = String(expected);
  return (v) => {
    if (Array.isArray(v)) return v.some((x) => isScalar(x) && String(x) === es);
    return isScalar(v) && String(v).includes(es);
  };
}

/** One operator as a predicate on a present value, and what it does on a missing one. */
function operator(op: string, expected: unknown): { present: ValuePredicate; missing: boolean } {
  switch (op) {
    case 'eq':
      return { present: equals(expected), missing: false };
    case 'ne': {
      const eq = equals(expected);
      return { present: (v) => !eq(v), missing: true };
    }
    case 'in': {
      const set = new Set((expected as unknown[]).map(String));
      return { present: (v) => isScalar(v) && set.has(String(v)), missing: false };
    }
    case 'nin': {
      const set = new Set((expected as unknown[]).map(String));
      return { present: (v) => !(isScalar(v) && set.has(String(v))), missing: true };
    }
    case 'gt':
    case 'gte':
    case 'lt':
    case 'lte':
      return { present: ordering(op, expected), missing: false };
    case 'matches': {
      const pattern = String(expected);
      // A pattern without metacharacters is a substring test, several times cheaper than a regex.
      if (LITERAL.test(pattern)) return { present: (v) => isScalar(v) && String(v).includes(pattern), missing: false };
      const re = compileRegex(pattern);
      return { present: (v) => isScalar(v) && re.test(String(v)), missing: false };
    }
    case 'exists':
      return { present: () => expected === true, missing: expected !== true };
    case 'contains':
      return { present: contains(expected), missing: false };
    default:
      throw new BatonError('bad_condition', `unknown operator '${op}'`, { details: { operator: op } });
  }
}

/** The operators a condition object may hold, in the order they are checked. */
export const OPERATORS = ['eq', 'ne', 'in', 'nin', 'gt', 'gte', 'lt', 'lte', 'matches', 'exists', 'contains'] as const;

/** The operator keys present in a condition object. */
export function operatorsOf(obj: Record<string, unknown>): string[] {
  return OPERATORS.filter((op) => obj[op] !== undefined);
}

/**
 * Compiles every operator of `obj` into one predicate that holds when all of them do. With no
 * operator at all the predicate holds for any present value.
 */
export function compileOperators(obj: Record<string, unknown>): ValuePredicate {
  const ops = operatorsOf(obj).map((op) => operator(op, obj[op]));
  if (ops.length === 0) return (v) => !isMissing(v);
  if (ops.length === 1) {
    const { present, missing } = ops[0];
    return (v) => (isMissing(v) ? missing : present(v));
  }
  return (v) => {
    const m = isMissing(v);
    for (let i = 0; i < ops.length; i++) if (!(m ? ops[i].missing : ops[i].present(v))) return false;
    return true;
  };
}

const SYMBOL: Record<string, string> = {
  eq: '=',
  ne: '≠',
  in: 'in',
  nin: 'not in',
  gt: '>',
  gte: '≥',
  lt: '<',
  lte: '≤',
  matches: '~',
  exists: 'exists',
  contains: 'contains',
};

function show(v: unknown): string {
  if (Array.isArray(v)) return `[${v.map(show).join(', ')}]`;
  if (typeof v === 'string') return /^[\w.@:/-]+$/.test(v) ? v : JSON.stringify(v);
  return String(v);
}

/** `≥ 200`, `in [US, CA]`, `~ /(?i)vp/`: the operators of a condition as text. */
export function describeOperators(obj: Record<string, unknown>): string {
  return operatorsOf(obj)
    .map((op) => {
      if (op === 'exists') return obj[op] ? 'exists' : 'is missing';
      if (op === 'matches') return `~ /${String(obj[op])}/`;
      return `${SYMBOL[op]} ${show(obj[op])}`;
    })
    .join(' and ');
}

/** A value as it appears in an explanation (`850`, `"VP Operations"`, `(missing)`). */
export function showValue(v: unknown): string {
  return isMissing(v) ? '(missing)' : show(v);
}
