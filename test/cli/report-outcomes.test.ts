import { cpSync, mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { parse } from 'yaml';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { makeSqliteTestStore, type TestStore } from '../support/store.ts';
import { runBaton } from '../support/run-baton.ts';
import { SHIPPED } from '../config/fixture.ts';
import { seedOutcomes } from '../reports/outcomes-seed.ts';
import { generateHistory } from '../reports/outcomes-generator.ts';

let t: TestStore;
beforeAll(async () => {
  t = await makeSqliteTestStore();
  await seedOutcomes(t.store);
});
afterAll(() => t.cleanup());

const env = () => ({ BATON_DATABASE_URL: t.url, BATON_CONFIG_DIR: SHIPPED });

describe('baton report outcomes', () => {
  it('prints the report as a table and as JSON', async () => {
    const text = await runBaton(['report', 'outcomes'], env());
    expect(text.code).toBe(0);
    expect(text.out).toContain('outcomes, all time: 5 people, 4 mql, 2 sal, 2 sql, 2 opportunity, 1 won');
    expect(text.out).toContain('missed buyers (below the MQL line, reached a deal): 1');
    expect(text.out).toContain('/api/people/cy%40corp.example');
    const json = await runBaton(['report', 'outcomes', '--version', '7', '--json'], env());
    expect(json.code).toBe(0);
    const r = JSON.parse(json.out);
    expect(r).toMatchObject({ version: 7, people: 4, false_alarms: { count: 1 } });
    expect(r.bands.definition).toContain('a tenth of its max');
  });

  it('refuses a bad option naming it and what was expected', async () => {
    const bad = await runBaton(['report', 'outcomes', '--version', 'seven'], env());
    expect(bad.code).toBe(1);
    expect(bad.out).toContain('baton report outcomes: --version: expected a positive whole number');
    const window = await runBaton(['report', 'outcomes', '--from', '2026-10-01', '--to', '2026-09-01'], env());
    expect(window.out).toContain('--to: expected a time after from');
  });

  it('--suggest writes a draft agreement, or says why it wrote nothing', async () => {
    const file = join(mkdtempSync(join(tmpdir(), 'baton-suggest-')), 'draft.yaml');
    const few = await runBaton(['report', 'outcomes', '--suggest', file], env());
    expect(few.code).toBe(1);
    expect(few.out).toContain('--suggest: no thresholds did better on this history; nothing written');

    // a history with enough outcomes: the generated one, stored
    const big = await makeSqliteTestStore();
    try {
      const people = generateHistory(3000, 5);
      // one transaction: thousands of single-row inserts commit once
      await big.store.transaction(async (tx) => {
        for (const p of people) {
          const { id } = await tx.createPerson({
            email: p.key,
            fields: {},
            scores: { fit: p.fit, engagement: p.engagement },
          });
          if (p.handedOver) {
            await tx.appendTransitions([
              {
                personId: id,
                from: 'lead',
                to: 'mql',
                at: p.mqlAt!,
                cause: p.qualifiedBy!,
                version: 7,
                scores: p,
                passed: [],
                breached: false,
                reason: null,
                meta: {},
              },
            ]);
            await tx.insertFeedback({
              personId: id,
              decision: p.decision!,
              reason: null,
              at: p.mqlAt!,
              source: 'api',
            });
          }
        }
      });
      const r = await runBaton(['report', 'outcomes', '--suggest', file], { ...env(), BATON_DATABASE_URL: big.url });
      expect(r.code).toBe(0);
      expect(r.out).toContain(`wrote ${file}: a draft`);
      const draft = readFileSync(file, 'utf8');
      const d = parse(draft);
      expect(d.version).toBe(8);
      expect(d.owners.marketing.approved).toBeUndefined();
      expect(draft).toContain('# who they are');
      expect(d.stages.mql.any[0].all[0].gte).toBeGreaterThan(40);
      // the draft goes through the normal path: validate accepts it as a draft and says who has not approved
      const dir = mkdtempSync(join(tmpdir(), 'baton-draft-'));
      cpSync(SHIPPED, dir, { recursive: true });
      writeFileSync(join(dir, 'agreement.yaml'), draft);
      const v = await runBaton(['validate', '--config', dir]);
      expect(v.code).toBe(0);
      expect(v.out).toMatch(/draft agreement 'Acme lead handoff' v8: neither marketing nor sales has approved it/);
    } finally {
      await big.cleanup();
    }
  });
});
