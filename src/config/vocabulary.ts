/**
 * The shared vocabulary of `fields.yaml` as the other files see it: which `person.NAME` and
 * `deal.NAME` exist, and which shared values a picklist field takes.
 */
import type { Condition, FieldCondition } from './condition-schema.ts';
import type { FieldDef, FieldsConfig } from './fields-schema.ts';
import type { PathProblem } from './issues.ts';
import type { ConfigPath } from './yaml-source.ts';

export interface Vocabulary {
  person: Map<string, FieldDef>;
  /** Null when `fields.yaml` has no `deal` section. */
  deal: Map<string, FieldDef> | null;
}

/** The names `fields.yaml` defines. */
export function vocabularyOf(fields: FieldsConfig): Vocabulary {
  return {
    person: new Map(Object.entries(fields.person.fields)),
    deal: fields.deal ? new Map(Object.entries(fields.deal.fields)) : null,
  };
}

/** The definition of `person.NAME` / `deal.NAME`, or why the name is not usable. */
export function lookupName(vocab: Vocabulary, name: string): { def?: FieldDef; error?: string } {
  const m = /^(person|deal)\.(.+)$/.exec(name);
  if (!m) return { error: `'${name}' is not a vocabulary name (expected person.NAME or deal.NAME)` };
  const [, entity, field] = m;
  if (entity === 'deal' && !vocab.deal) return { error: `unknown field '${name}': fields.yaml has no deal section` };
  const defs = entity === 'person' ? vocab.person : vocab.deal!;
  const def = defs.get(field);
  if (def) return { def };
  // The person's email is its key, so it exists whether or not a field maps it.
  if (name === 'person.email') return {};
  return {
    error: `unknown field '${name}': fields.yaml defines ${entity}: ${[...defs.keys()].join(', ') || '(none)'}`,
  };
}

/** Calls `visit` for every `{ field, OP }` inside a condition, with its path. */
export function eachFieldCondition(
  cond: Condition,
  path: ConfigPath,
  visit: (c: FieldCondition, path: ConfigPath) => void,
): void {
  if ('field' in cond) visit(cond, path);
  else if ('all' in cond) cond.all.forEach((c, i) => eachFieldCondition(c, [...path, 'all', i], visit));
  else if ('any' in cond) cond.any.forEach((c, i) => eachFieldCondition(c, [...path, 'any', i], visit));
  else if ('not' in cond) eachFieldCondition(cond.not, [...path, 'not'], visit);
}

/** Problems of one field condition: an unknown name, or a value its picklist does not define. */
export function checkFieldCondition(vocab: Vocabulary, cond: FieldCondition, path: ConfigPath): PathProblem[] {
  const { def, error } = lookupName(vocab, cond.field);
  if (error) return [{ path: [...path, 'field'], anchor: 'value', message: error }];
  if (!def?.values) return [];
  const shared = Object.keys(def.values);
  const out: PathProblem[] = [];
  const check = (value: unknown, at: ConfigPath) => {
    if (!shared.includes(String(value))) {
      out.push({
        path: at,
        anchor: 'value',
        message: `'${String(value)}' is not a value of ${cond.field} (values: ${shared.join(', ')})`,
      });
    }
  };
  for (const op of ['eq', 'ne'] as const) if (cond[op] !== undefined) check(cond[op], [...path, op]);
  for (const op of ['in', 'nin'] as const) cond[op]?.forEach((v, i) => check(v, [...path, op, i]));
  return out;
}

/** Problems of every field condition inside `cond`. */
export function checkCondition(vocab: Vocabulary, cond: Condition, path: ConfigPath): PathProblem[] {
  const out: PathProblem[] = [];
  eachFieldCondition(cond, path, (c, p) => out.push(...checkFieldCondition(vocab, c, p)));
  return out;
}
