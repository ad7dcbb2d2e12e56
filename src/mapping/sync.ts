/**
 * Merging what both CRMs told us about one record into one value per vocabulary field, by the
 * field's sync rule. Pure: the caller keeps `FieldSources` with the person and passes it back.
 */
import type { CrmName } from '../platform/errors.ts';
import type { FieldsConfig, SyncRule } from '../config/schema.ts';
import { isBlank } from './normalize.ts';
import { readsFrom, sectionFields, type Section } from './rules.ts';
import { parseInstant } from './time.ts';

/** The last value one CRM told us for one field. */
export interface SideState {
  value: unknown;
  /** The CRM's modification time of the record that told us (ISO). */
  at: string;
  /** The modification time at which the value last changed; `null` while it has only ever been blank. */
  changedAt: string | null;
}

/** Per vocabulary field, per CRM: what that CRM last told us. */
export type FieldSources = Record<string, Partial<Record<CrmName, SideState>>>;

export interface Incoming {
  crm: CrmName;
  /** Vocabulary values as `fromCrm` read them; a field absent here was not told. */
  values: Record<string, unknown>;
  modifiedAt: string;
}

export interface MergeResult {
  /** The merged value of every field any side has told us about. */
  values: Record<string, unknown>;
  sources: FieldSources;
  /** Fields whose merged value differs from before this update. */
  changed: string[];
}

function ms(iso: string | null): number {
  return iso === null ? -Infinity : (parseInstant(iso) ?? -Infinity);
}

/** Equal for the purpose of sync: all blanks are one value, everything else by its JSON. */
export function sameValue(a: unknown, b: unknown): boolean {
  if (isBlank(a) || isBlank(b)) return isBlank(a) && isBlank(b);
  return JSON.stringify(a) === JSON.stringify(b);
}

function norm(value: unknown): unknown {
  return isBlank(value) ? null : value;
}

/** Of two sides, the one changed last by its own clock; Salesforce on an exact tie (the system of record for sales). */
function latest(h: SideState | undefined, s: SideState | undefined): SideState | undefined {
  if (!h) return s;
  if (!s) return h;
  return ms(h.changedAt) > ms(s.changedAt) ? h : s;
}

/** The merged value of one field under `rule`; `undefined` when no side that counts has spoken. */
export function resolveValue(rule: SyncRule, sides: Partial<Record<CrmName, SideState>>): unknown {
  const h = sides.hubspot;
  const s = sides.salesforce;
  if (!h && !s) return undefined;
  switch (rule) {
    case 'two_way':
      return norm(latest(h, s)?.value);
    case 'hubspot_wins':
      return norm((h ?? s)?.value);
    case 'salesforce_wins':
      return norm((s ?? h)?.value);
    case 'prefer_hubspot_unless_blank':
      return h && !isBlank(h.value) ? h.value : norm((s ?? h)?.value);
    case 'prefer_salesforce_unless_blank':
      return s && !isBlank(s.value) ? s.value : norm((h ?? s)?.value);
    case 'hubspot_to_salesforce':
      return h ? norm(h.value) : undefined;
    case 'salesforce_to_hubspot':
      return s ? norm(s.value) : undefined;
    case 'fill_blanks': {
      const filled = latest(h && !isBlank(h.value) ? h : undefined, s && !isBlank(s.value) ? s : undefined);
      return filled ? filled.value : null;
    }
  }
}

/** Folds one CRM's update into the sources and returns the merged values and what changed. */
export function mergeFields(
  section: Section,
  fields: FieldsConfig,
  previous: FieldSources,
  incoming: Incoming,
): MergeResult {
  const defs = sectionFields(fields, section);
  const sources: FieldSources = {};
  const values: Record<string, unknown> = {};
  const changed: string[] = [];
  const at = ms(incoming.modifiedAt);
  for (const [name, def] of Object.entries(defs)) {
    const before = previous[name] ?? {};
    const sides = { ...before };
    const side = before[incoming.crm];
    const told = Object.hasOwn(incoming.values, name) && readsFrom(def.sync, incoming.crm);
    // An update older than what this side already told us never overwrites it.
    if (told && !(side && at < ms(side.at))) {
      const value = norm(incoming.values[name]);
      let changedAt: string | null;
      if (!side) changedAt = isBlank(value) ? null : incoming.modifiedAt;
      else changedAt = sameValue(side.value, value) ? side.changedAt : incoming.modifiedAt;
      sides[incoming.crm] = { value, at: incoming.modifiedAt, changedAt };
    }
    if (sides.hubspot || sides.salesforce) sources[name] = sides;
    const merged = resolveValue(def.sync, sides);
    if (merged !== undefined) values[name] = merged;
    const was = resolveValue(def.sync, before);
    if (merged !== undefined && (was === undefined || !sameValue(was, merged))) changed.push(name);
  }
  return { values, sources, changed };
}
