/**
 * Pure: the MQL thresholds an agreement's `stages.mql` condition holds, and a draft agreement with
 * new ones. The draft is the live text edited through the `yaml` Document API (comments and layout
 * kept), with both approvals removed and the version bumped, so it goes through the normal
 * preview and approval path; nothing here changes a live agreement.
 */
import { isScalar } from 'yaml';
import { agreementDocument, redraftDocument } from '../config/agreement-text.ts';
import { BatonError } from '../platform/errors.ts';

type Path = (string | number)[];

/** Where one score's threshold sits in `stages.mql`, and its value. */
export interface ThresholdAt {
  path: Path;
  op: 'gte' | 'gt';
  value: number;
}

export interface MqlThresholds {
  fit: ThresholdAt | null;
  engagement: ThresholdAt | null;
}

function find(node: unknown, score: 'fit' | 'engagement', path: Path): ThresholdAt | null {
  if (Array.isArray(node)) {
    for (let i = 0; i < node.length; i++) {
      const hit = find(node[i], score, [...path, i]);
      if (hit) return hit;
    }
    return null;
  }
  if (!node || typeof node !== 'object') return null;
  const o = node as Record<string, unknown>;
  if (o.score === score) {
    for (const op of ['gte', 'gt'] as const) if (typeof o[op] === 'number') return { path, op, value: o[op] };
    return null;
  }
  // `not` inverts a threshold: one inside it is not the line a person crosses to qualify.
  for (const k of ['all', 'any'] as const) {
    const hit = o[k] === undefined ? null : find(o[k], score, [...path, k]);
    if (hit) return hit;
  }
  return null;
}

/** The first `{ score: fit|engagement, gte|gt: N }` of each score in `stages.mql` (outside `not`). */
export function mqlThresholds(mql: unknown): MqlThresholds {
  return { fit: find(mql, 'fit', []), engagement: find(mql, 'engagement', []) };
}

/**
 * `text` (an agreement file) with the MQL thresholds set to `values`, `owners.*.approved` removed
 * and `version` increased by one. Throws `BatonError` (`bad_file`) when `stages.mql` holds no
 * threshold for a score given in `values`.
 */
export function draftAgreement(text: string, values: { fit?: number; engagement?: number }): string {
  const doc = agreementDocument(text);
  const js = doc.toJS() as Record<string, unknown>;
  const stages = js.stages as Record<string, unknown> | undefined;
  const found = mqlThresholds(stages?.mql);
  for (const score of ['fit', 'engagement'] as const) {
    const v = values[score];
    if (v === undefined) continue;
    const at = found[score];
    if (!at)
      throw new BatonError(
        'bad_file',
        `stages.mql: expected a condition { score: ${score}, gte: N } to change, found none`,
      );
    doc.setIn(['stages', 'mql', ...at.path, at.op], v);
  }
  const version = doc.get('version', true);
  if (isScalar(version) && typeof version.value === 'number') redraftDocument(doc, version.value + 1);
  return doc.toString();
}
