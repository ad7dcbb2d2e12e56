/**
 * The schema check at start: every Salesforce field and picklist value `fields.yaml` names must
 * exist in the org (by describe). Each problem is one `fields.yaml:line:col: message` line at the
 * offending YAML node. Fields that exist on Leads only (Company, Status) are named once.
 */
import { isMap, isScalar, LineCounter, parseDocument } from 'yaml';
import type { FieldsConfig } from '../../src/config/schema.ts';
import type { DescribeField } from './client.ts';

export type PositionOf = (path: (string | number)[]) => { line: number; col: number } | undefined;
type Describe = Map<string, DescribeField> | null;

/** A position lookup over the text of `fields.yaml` (key node for map keys, value node otherwise). */
export function positionsFromText(text: string): PositionOf {
  const lc = new LineCounter();
  const doc = parseDocument(text, { lineCounter: lc, uniqueKeys: false });
  return (path) => {
    let node: unknown = doc.contents;
    let keyNode: unknown;
    for (const seg of path) {
      if (!isMap(node)) return undefined;
      const pair = node.items.find((p) => isScalar(p.key) && String(p.key.value) === String(seg));
      if (!pair) return undefined;
      keyNode = pair.key;
      node = pair.value;
    }
    const target = (isScalar(node) ? node : keyNode) as { range?: [number, number, number] } | undefined;
    if (!target?.range) return undefined;
    const { line, col } = lc.linePos(target.range[0]);
    return { line, col };
  };
}

interface Named {
  field: string;
  path: (string | number)[];
  values?: { value: string; path: (string | number)[] }[];
}

function personFields(cfg: FieldsConfig): Named[] {
  const out: Named[] = [];
  for (const [key, def] of Object.entries(cfg.person.fields)) {
    if (!def.salesforce) continue;
    const values = Object.entries(def.values ?? {}).flatMap(([shared, v]) =>
      v.salesforce === undefined
        ? []
        : [{ value: String(v.salesforce), path: ['person', 'fields', key, 'values', shared, 'salesforce'] }],
    );
    out.push({ field: def.salesforce, path: ['person', 'fields', key, 'salesforce'], values });
  }
  for (const k of Object.keys(cfg.writeback?.salesforce?.person ?? {}))
    out.push({ field: k, path: ['writeback', 'salesforce', 'person', k] });
  const reason = cfg.feedback?.reject?.reason?.salesforce;
  if (reason) out.push({ field: reason, path: ['feedback', 'reject', 'reason', 'salesforce'] });
  return out;
}

function dealFields(cfg: FieldsConfig): Named[] {
  return Object.entries(cfg.deal?.fields ?? {}).flatMap(([key, def]) =>
    def.salesforce
      ? [
          {
            field: def.salesforce,
            path: ['deal', 'fields', key, 'salesforce'],
            values: Object.entries(def.values ?? {}).flatMap(([shared, v]) =>
              v.salesforce === undefined
                ? []
                : [{ value: String(v.salesforce), path: ['deal', 'fields', key, 'values', shared, 'salesforce'] }],
            ),
          },
        ]
      : [],
  );
}

function picklistProblems(object: string, n: Named, d: Describe, at: (p: (string | number)[]) => string): string[] {
  const f = d?.get(n.field);
  if (!f || f.type !== 'picklist' || !n.values?.length) return [];
  const allowed = new Set(f.picklistValues.filter((p) => p.active).map((p) => p.value));
  return n.values
    .filter((v) => !allowed.has(v.value))
    .map((v) => `${at(v.path)}: Salesforce ${object} field '${n.field}' has no picklist value '${v.value}'`);
}

/** Every mapped field or picklist value missing in the org, as `file:line:col: message` lines. */
export function schemaProblems(
  cfg: FieldsConfig,
  describes: { Lead: Describe; Contact: Describe; Opportunity?: Describe },
  file = 'fields.yaml',
  positionOf?: PositionOf,
): string[] {
  const at = (path: (string | number)[]) => {
    const pos = positionOf?.(path);
    return pos ? `${file}:${pos.line}:${pos.col}` : `${file}:${path.join('.')}`;
  };
  const out: string[] = [];
  const seen = new Set<string>();
  for (const n of personFields(cfg)) {
    if (seen.has(n.field)) continue;
    seen.add(n.field);
    const onLead = !describes.Lead || describes.Lead.has(n.field);
    const onContact = !describes.Contact || describes.Contact.has(n.field);
    if (!onLead)
      out.push(`${at(n.path)}: Salesforce Lead has no field '${n.field}'${onContact ? '' : ' (nor has Contact)'}`);
    else if (!onContact)
      out.push(`${at(n.path)}: Salesforce Contact has no field '${n.field}'; it is read and written on Leads only`);
    out.push(...picklistProblems('Lead', n, describes.Lead, at));
  }
  if (cfg.deal && describes.Opportunity !== undefined) {
    for (const n of dealFields(cfg)) {
      if (describes.Opportunity && !describes.Opportunity.has(n.field))
        out.push(`${at(n.path)}: Salesforce Opportunity has no field '${n.field}'`);
      else out.push(...picklistProblems('Opportunity', n, describes.Opportunity, at));
    }
  }
  return out;
}
