/** `baton simulate --from-store` as a user runs it: the bin, the store of BATON_DATABASE_URL, the config folder. */
import { spawnSync } from 'node:child_process';
import { copyFileSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { PreviewReport } from '../../src/agreement/preview.ts';
import type { KyselyStore } from '../../src/store/kysely-store.ts';
import { draftOf, seedPreviewPeople } from '../../bench/support/preview-people.ts';
import { makeTestStore, type TestStore } from '../support/store.ts';

const ROOT = new URL('../../', import.meta.url).pathname;
const AT = '2026-11-23T00:00:00.000Z';
let t: TestStore;
let dir: string;

beforeAll(async () => {
  t = await makeTestStore();
  await seedPreviewPeople((t.store as KyselyStore).db, 200, AT);
  dir = mkdtempSync(join(tmpdir(), 'baton-simulate-store-'));
  copyFileSync(join(ROOT, 'mappings/fields.yaml'), join(dir, 'fields.yaml'));
  const live = readFileSync(join(ROOT, 'mappings/agreement.yaml'), 'utf8');
  writeFileSync(join(dir, 'agreement.yaml'), live);
  writeFileSync(join(dir, 'draft.yaml'), draftOf(live));
  writeFileSync(
    join(dir, 'routing.yaml'),
    'rules:\n  - id: big\n    if: { field: person.employees, gte: 1000 }\n    assign: { round_robin: [ana@acme.example, bo@acme.example] }\nfallback: { user: sdr@acme.example }\n',
  );
}, 60_000);
afterAll(async () => {
  await t?.cleanup();
  rmSync(dir, { recursive: true, force: true });
});

const baton = (...args: string[]) =>
  spawnSync(process.execPath, [join(ROOT, 'bin/baton.js'), 'simulate', ...args], {
    cwd: dir,
    encoding: 'utf8',
    env: { ...process.env, BATON_DATABASE_URL: t.url, BATON_CONFIG_DIR: dir },
  });

describe('baton simulate --from-store', () => {
  it('says how to use it', () => {
    const help = baton('--from-store', '--help');
    expect(help.status).toBe(0);
    expect(help.stdout).toContain('usage: baton simulate --from-store --against FILE');
    const none = baton('--from-store');
    expect(none.status).toBe(1);
    expect(none.stderr).toContain('--from-store needs --against FILE or --export FILE (one of them)');
    // the file-based simulate still asks for its file
    expect(baton().stderr).toContain('--leads FILE is required');
  });

  it('previews the draft and gives the newly handed-off people nobody holds to the owner routing.yaml picks', () => {
    const r = baton('--from-store', '--against', 'draft.yaml', '--agreement', 'agreement.yaml', '--at', AT, '--json');
    expect(r.status, r.stderr).toBe(0);
    const report = JSON.parse(r.stdout) as PreviewReport;
    expect(report.people).toBe(200);
    const routed = report.changed.filter((c) => c.routed);
    expect(routed.length).toBeGreaterThan(0);
    for (const c of routed) {
      expect(c.handoff).toBe('new');
      expect(['ana@acme.example', 'bo@acme.example', 'sdr@acme.example']).toContain(c.owner);
      expect(['big', 'fallback']).toContain(c.segment);
    }
    const text = baton('--from-store', '--against', 'draft.yaml', '--agreement', 'agreement.yaml', '--at', AT);
    expect(text.status).toBe(0);
    expect(text.stdout).toContain(`${report.changed_total} people change stage`);
    expect(text.stdout).toMatch(/\nby owner +changed +gained +lost +extra\n/);
  });

  it('exports the people as the JSON Lines simulate reads, and simulate --against lists the same changes', () => {
    const out = join(dir, 'people.jsonl');
    const ex = baton('--from-store', '--export', out);
    expect(ex.status).toBe(0);
    expect(ex.stderr).toBe(`exported 200 people to ${out}\n`);
    const sim = baton('--leads', out, '--agreement', 'agreement.yaml', '--against', 'draft.yaml', '--at', AT, '--json');
    const preview = baton(
      '--from-store',
      '--against',
      'draft.yaml',
      '--agreement',
      'agreement.yaml',
      '--at',
      AT,
      '--json',
    );
    const key = (c: { email: string; from: string; to: string }) => `${c.email}:${c.from}:${c.to}`;
    const simChanged = (JSON.parse(sim.stdout) as { changed: { email: string; from: string; to: string }[] }).changed;
    expect((JSON.parse(preview.stdout) as PreviewReport).changed.map(key).sort()).toEqual(simChanged.map(key).sort());
  });
});
