/**
 * The preview on the store's history against `baton simulate --against` on the same people exported
 * to JSON Lines: the same people change stage, from and to the same stages. On both stores.
 */
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { simulate } from '../../src/cli/simulate.ts';
import { simulateFromStore } from '../../src/cli/simulate-store.ts';
import { compileAgreement } from '../../src/agreement/compile.ts';
import { loadAgreementFile } from '../../src/config/load.ts';
import { loadPreview } from '../../src/pipeline/reports/preview.ts';
import type { PreviewReport } from '../../src/agreement/preview.ts';
import type { KyselyStore } from '../../src/store/kysely-store.ts';
import { draftOf, seedPreviewPeople } from '../../bench/support/preview-people.ts';
import { bothBackends, type TestStore } from '../support/store.ts';
import { Sink } from '../support/sink.ts';

const AT = '2026-11-23T00:00:00.000Z';
const MAPPINGS = new URL('../../mappings/', import.meta.url).pathname;
const PEOPLE = 400;

describe.each(bothBackends)('preview on the store ($name)', ({ make }) => {
  let t: TestStore;
  let dir: string;
  const live = join(MAPPINGS, 'agreement.yaml');
  const fields = join(MAPPINGS, 'fields.yaml');
  let draft: string;

  beforeAll(async () => {
    t = await make();
    dir = mkdtempSync(join(tmpdir(), 'baton-preview-'));
    draft = join(dir, 'draft.yaml');
    writeFileSync(draft, draftOf(readFileSync(live, 'utf8')));
    await seedPreviewPeople((t.store as KyselyStore).db, PEOPLE, AT);
  }, 60_000);

  afterAll(async () => {
    await t?.cleanup();
    rmSync(dir, { recursive: true, force: true });
  });

  it('lists exactly the people simulate --against lists on the exported JSON Lines', async () => {
    const exported = join(dir, 'people.jsonl');
    const err = new Sink();
    expect(
      await simulateFromStore(
        t.store,
        { export: exported, at: AT, json: false, fields },
        { stdout: new Sink(), stderr: err },
      ),
    ).toBe(0);
    expect(err.text()).toBe(`exported ${PEOPLE} people to ${exported}\n`);
    expect(readFileSync(exported, 'utf8').trim().split('\n')).toHaveLength(PEOPLE);

    const simOut = new Sink();
    expect(
      await simulate(
        { leads: exported, agreement: live, against: draft, at: AT, json: true, fields },
        { stdout: simOut, stderr: new Sink(), progress: false },
      ),
    ).toBe(0);
    const sim = JSON.parse(simOut.text()) as {
      changed: { email: string; from: string; to: string }[];
      errors: unknown[];
      counts: Record<string, number>;
      counts_against: Record<string, number>;
    };
    expect(sim.errors).toEqual([]);

    const out = new Sink();
    expect(
      await simulateFromStore(
        t.store,
        { against: draft, agreement: live, at: AT, json: true, fields },
        { stdout: out, stderr: new Sink() },
      ),
    ).toBe(0);
    const report = JSON.parse(out.text()) as PreviewReport;
    const key = (c: { email: string; from: string; to: string }) => `${c.email} ${c.from}→${c.to}`;
    expect(sim.changed.length).toBeGreaterThan(10);
    expect(report.changed.map(key).sort()).toEqual(sim.changed.map(key).sort());
    expect(report.changed_total).toBe(sim.changed.length);
    expect(report.counts.live).toEqual(sim.counts);
    expect(report.counts.draft).toEqual(sim.counts_against);
    expect(report.people).toBe(PEOPLE);
  });

  it('reads the store in pages without changing the answer', async () => {
    const [a, b] = await Promise.all(
      [live, draft].map(async (f) => compileAgreement((await loadAgreementFile(f, fields)).agreement)),
    );
    const whole = await loadPreview(t.store, a, b, AT, { pageSize: 10_000 });
    const paged = await loadPreview(t.store, a, b, AT, { pageSize: 7 });
    expect(paged).toEqual(whole);
    // the stored mql entries are the actual handoffs, one per person handed over in the generated history
    const stored = await t.store.transitionsBetween(null, null);
    expect(whole.handoffs.actual).toBe(stored.filter((x) => x.to === 'mql').length);
    expect(whole.mql_per_week.reduce((s, w) => s + w.actual, 0)).toBe(whole.handoffs.actual);
    expect(whole.handoffs.newly).toBeGreaterThan(0);
    expect(whole.already_rejected.people).toBeGreaterThan(0);
    expect(Object.values(whole.already_rejected.reasons).reduce((s, n) => s + n, 0)).toBe(
      whole.already_rejected.people,
    );
  });

  it('compares with the live version the store keeps, and says so when there is none', async () => {
    const err = new Sink();
    await expect(
      simulateFromStore(t.store, { against: draft, at: AT, json: true, fields }, { stdout: new Sink(), stderr: err }),
    ).rejects.toThrow(/no live agreement version in the store/);
    const text = readFileSync(live, 'utf8');
    await t.store.saveAgreementVersion({
      version: 7,
      name: 'Acme lead handoff',
      text,
      owners: {},
      hash: 'h7',
      liveAt: AT,
    });
    const out = new Sink();
    expect(
      await simulateFromStore(t.store, { against: draft, at: AT, json: false, fields }, { stdout: out, stderr: err }),
    ).toBe(0);
    expect(out.text()).toMatch(
      /^draft 'Acme lead handoff' v8 \(draft: sales not approved\) against live 'Acme lead handoff' v7\n/,
    );
    expect(out.text()).toContain(`${PEOPLE} people in the store, replayed at ${AT}`);
    expect(out.text()).toMatch(/already rejected by sales: \d+ of the \d+ newly handed off \(/);
  });

  it('refuses a draft with problems as file:line:col', async () => {
    const bad = join(dir, 'bad.yaml');
    writeFileSync(bad, readFileSync(draft, 'utf8').replace('half_life: 30d', 'half_life: soon'));
    const err = new Sink();
    expect(
      await simulateFromStore(
        t.store,
        { against: bad, agreement: live, at: AT, json: true, fields },
        { stdout: new Sink(), stderr: err },
      ),
    ).toBe(1);
    expect(err.text()).toMatch(new RegExp(`^${bad}:\\d+:\\d+: `, 'm'));
  });
});
