/**
 * Turns zod's issues into positioned, human problems: unknown keys at the key, wrong values at the
 * value, missing keys at the mapping that lacks them, and unions reported by the branch meant.
 */
import type { z } from 'zod';
import type { ConfigProblem } from '../platform/errors.ts';
import type { Anchor, ConfigPath, YamlSource } from './yaml-source.ts';
import { formatPath, problemAt } from './yaml-source.ts';
import { describeValue, isPlainObject, KEY_PLACEHOLDER, pickersFor } from './zod-helpers.ts';

/** A problem found in plain data, before it has a position. */
export interface PathProblem {
  path: ConfigPath;
  anchor: Anchor;
  message: string;
}

type Issue = z.core.$ZodIssue;
type RawIssue = z.core.$ZodRawIssue;

const KINDS: Record<string, string> = {
  object: 'a mapping',
  record: 'a mapping',
  map: 'a mapping',
  array: 'a list',
  string: 'text',
  number: 'a number',
  int: 'a whole number',
  boolean: 'true or false',
  date: 'a date',
};

/** zod's fallback messages, in the words of this project (schema-level messages take precedence). */
export function humanError(iss: RawIssue): string | undefined {
  switch (iss.code) {
    case 'invalid_type':
      if (iss.input === undefined) return 'missing';
      return `expected ${KINDS[iss.expected] ?? iss.expected}, got ${describeValue(iss.input)}`;
    case 'invalid_value':
      return `expected ${iss.values.map((v) => describeValue(v)).join(' or ')}, got ${describeValue(iss.input)}`;
    case 'too_small':
      if (iss.origin === 'array')
        return Number(iss.minimum) <= 1 ? 'must not be empty' : `needs at least ${iss.minimum} items`;
      if (iss.origin === 'string') return 'must not be blank';
      return `must be ${iss.inclusive ? 'at least' : 'more than'} ${iss.minimum}`;
    case 'too_big':
      if (iss.origin === 'array') return `takes at most ${iss.maximum} items`;
      return `must be ${iss.inclusive ? 'at most' : 'less than'} ${iss.maximum}`;
    case 'unrecognized_keys':
      return `unknown key '${KEY_PLACEHOLDER}'`;
    default:
      return undefined;
  }
}

function valueAt(data: unknown, path: ConfigPath): { found: boolean; value: unknown } {
  let current: unknown = data;
  for (const seg of path) {
    if (Array.isArray(current) && typeof seg === 'number' && seg < current.length) current = current[seg];
    else if (isPlainObject(current) && Object.hasOwn(current, String(seg))) current = current[String(seg)];
    else return { found: false, value: undefined };
  }
  return { found: true, value: current };
}

/** The plain-data problems of zod issues found in `data`, relative to `base`. */
export function issuesToPathProblems(issues: readonly Issue[], data: unknown, base: ConfigPath = []): PathProblem[] {
  const out: PathProblem[] = [];
  // A mapping with unknown keys says so; its own refinements (e.g. "needs an operator") would only echo that.
  const withUnknownKeys = new Set(
    issues.filter((i) => i.code === 'unrecognized_keys').map((i) => JSON.stringify(i.path)),
  );
  for (const iss of issues) {
    const path = [...base, ...(iss.path as (string | number)[])];
    if (iss.code === 'custom' && withUnknownKeys.has(JSON.stringify(iss.path))) continue;
    if (iss.code === 'unrecognized_keys') {
      for (const key of iss.keys) {
        const message = iss.message.includes(KEY_PLACEHOLDER)
          ? iss.message.replaceAll(KEY_PLACEHOLDER, key)
          : `unknown key '${key}': ${iss.message}`;
        out.push({ path: [...path, key], anchor: 'key', message });
      }
      continue;
    }
    if (iss.code === 'invalid_key') {
      // A record key that breaks its rule: point at the key, with the rule's own words.
      const inner = iss.issues.map((i) => i.message).join('; ');
      out.push({ path, anchor: 'key', message: `key '${String(path[path.length - 1])}': ${inner || iss.message}` });
      continue;
    }
    const here = valueAt(data, path);
    if (!here.found && path.length > 0) {
      const parent = path.slice(0, -1);
      const key = String(path[path.length - 1]);
      const where = parent.length ? ` in ${formatPath(parent)}` : '';
      out.push({ path: parent, anchor: 'mapping', message: `missing required key '${key}'${where}` });
      continue;
    }
    if (iss.code === 'invalid_union') {
      const { value } = here;
      const pickers = pickersFor(iss.message);
      const branch = pickers?.findIndex((pick) => pick !== null && pick(value)) ?? -1;
      if (branch >= 0 && iss.errors[branch]) {
        out.push(...issuesToPathProblems(iss.errors[branch], data, path));
        continue;
      }
      out.push({ path, anchor: 'value', message: iss.message });
      continue;
    }
    const message = path.length === 0 && here.value == null ? 'the file is empty; expected a mapping' : iss.message;
    out.push({ path, anchor: 'value', message });
  }
  return out;
}

/** Positions plain-data problems in their YAML file, prefixing each message with the path it concerns. */
export function locate(source: YamlSource, problems: readonly PathProblem[]): ConfigProblem[] {
  return problems.map((p) => {
    const label = p.anchor === 'value' && p.path.length ? `${formatPath(p.path)}: ` : '';
    return problemAt(source, p.path, p.anchor, label + p.message);
  });
}

/** Validates a parsed file with `schema`: the data on success, else positioned problems. */
export function validateWith<T>(
  source: YamlSource,
  schema: z.ZodType<T>,
): { ok: true; value: T } | { ok: false; problems: ConfigProblem[] } {
  const result = schema.safeParse(source.data, { error: humanError });
  if (result.success) return { ok: true, value: result.data };
  return { ok: false, problems: locate(source, issuesToPathProblems(result.error.issues, source.data)) };
}
