/**
 * Small zod builders that make validation messages human: strict mappings that name their allowed
 * keys, and unions whose failure says what was expected instead of listing every branch.
 */
import { z } from 'zod';

/** Placeholder in an unknown-key message, replaced by each unknown key. */
export const KEY_PLACEHOLDER = '{key}';

/** A mapping that refuses unknown keys and names the allowed ones (or says `unknown`, with `{key}`). */
export function strict<S extends z.ZodRawShape>(shape: S, options: { unknown?: string } = {}) {
  const unknown = options.unknown ?? `unknown key '${KEY_PLACEHOLDER}' (allowed: ${Object.keys(shape).join(', ')})`;
  return z.strictObject(shape, {
    error: (iss) => (iss.code === 'unrecognized_keys' ? unknown : undefined),
  });
}

/** Picks the branch of a union an input clearly means (e.g. it has a `field` key), or none. */
export type BranchPicker = ((input: unknown) => boolean) | null;

const keyedUnions = new Map<string, BranchPicker[]>();

/**
 * A union whose error is `expected`; when the input clearly is one branch (its picker says so),
 * the validator reports that branch's own problems instead.
 */
export function keyedUnion<const T extends readonly [z.ZodType, ...z.ZodType[]]>(
  options: T,
  pickers: BranchPicker[],
  expected: string,
) {
  keyedUnions.set(expected, pickers);
  return z.union(options, { error: expected });
}

/** The branch pickers of the union whose error message is `message`, if it is a keyed union. */
export function pickersFor(message: string): BranchPicker[] | undefined {
  return keyedUnions.get(message);
}

export function isPlainObject(v: unknown): v is Record<string, unknown> {
  return typeof v === 'object' && v !== null && !Array.isArray(v) && !(v instanceof Date);
}

/** A picker: the input is a mapping holding `key`. */
export function hasKey(key: string): BranchPicker {
  return (v) => isPlainObject(v) && key in v;
}

/** An enum whose error names the bad value and the choices. */
export function oneOf<const T extends readonly [string, ...string[]]>(values: T, what = 'value') {
  return z.enum(values, {
    error: (iss) =>
      iss.input === undefined
        ? undefined
        : typeof iss.input === 'string'
          ? `unknown ${what} ${describeValue(iss.input)} (expected one of ${values.join(', ')})`
          : `expected a ${what} (one of ${values.join(', ')}), got ${describeValue(iss.input)}`,
  });
}

/** How a value reads in a message: quoted text, numbers as they are, kinds for the rest. */
export function describeValue(v: unknown): string {
  if (v === null) return 'null (nothing)';
  if (typeof v === 'string') return `'${v}'`;
  if (Array.isArray(v)) return 'a list';
  if (v instanceof Date) return 'a date';
  if (typeof v === 'object') return 'a mapping';
  return String(v);
}
