import { readFileSync } from 'node:fs';
import { parse } from 'yaml';
import { describe, expect, it } from 'vitest';
import { draftAgreement, mqlThresholds } from '../../src/reports/outcomes-draft.ts';

const text = readFileSync(new URL('../agreement/example-agreement.yaml', import.meta.url), 'utf8');

describe('draft agreement with suggested thresholds', () => {
  it('finds the thresholds of stages.mql', () => {
    const found = mqlThresholds(parse(text).stages.mql);
    expect(found.fit).toMatchObject({ op: 'gte', value: 40 });
    expect(found.engagement).toMatchObject({ op: 'gte', value: 30 });
    expect(mqlThresholds({ not: { score: 'fit', gte: 10 } }).fit).toBeNull();
  });

  it('changes only the thresholds, removes both approvals, bumps the version and keeps comments', () => {
    const draft = draftAgreement(text, { fit: 55, engagement: 12.5 });
    const d = parse(draft);
    const o = parse(text);
    expect(mqlThresholds(d.stages.mql).fit!.value).toBe(55);
    expect(mqlThresholds(d.stages.mql).engagement!.value).toBe(12.5);
    expect(d.owners.marketing.approved).toBeUndefined();
    expect(d.owners.sales.approved).toBeUndefined();
    expect(d.version).toBe(o.version + 1);
    expect({ ...d, stages: undefined, owners: undefined, version: 0 }).toEqual({
      ...o,
      stages: undefined,
      owners: undefined,
      version: 0,
    });
    for (const line of text.split('\n').filter((l) => l.includes('#')))
      expect(draft).toContain(line.trim().slice(line.trim().indexOf('#')));
  });

  it('refuses to change a threshold the agreement does not have', () => {
    const noScores = text.replace(/stages:[\s\S]*?\n(?=\S)/, 'stages:\n  mql: { event: form_submission }\n');
    expect(() => draftAgreement(noScores, { fit: 50 })).toThrow(/stages\.mql: expected a condition \{ score: fit/);
  });
});
