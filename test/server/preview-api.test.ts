/** `POST /api/agreement/preview`: the draft on disk or in the body, against the live version, over the stored people. */
import { copyFileSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { compileAgreement } from '../../src/agreement/compile.ts';
import type { PreviewReport } from '../../src/agreement/preview.ts';
import { loadAgreementText } from '../../src/config/load.ts';
import { loadPreview } from '../../src/pipeline/reports/preview.ts';
import type { KyselyStore } from '../../src/store/kysely-store.ts';
import { draftOf, seedPreviewPeople } from '../../bench/support/preview-people.ts';
import { serveSeeded, type Served } from './dashboard/harness.ts';
import { TOKEN } from './dashboard/seed.ts';

const MAPPINGS = new URL('../../mappings/', import.meta.url).pathname;
const liveText = readFileSync(join(MAPPINGS, 'agreement.yaml'), 'utf8');
const draftText = draftOf(liveText);
let served: Served;
let dir: string;

beforeAll(async () => {
  dir = mkdtempSync(join(tmpdir(), 'baton-preview-api-'));
  copyFileSync(join(MAPPINGS, 'fields.yaml'), join(dir, 'fields.yaml'));
  writeFileSync(join(dir, 'agreement.yaml'), draftText);
  served = await serveSeeded({ empty: true, configDir: dir });
  await seedPreviewPeople((served.store as KyselyStore).db, 250, new Date().toISOString());
}, 60_000);
afterAll(async () => {
  await served?.close();
  rmSync(dir, { recursive: true, force: true });
});

const post = (query = '', body?: string, type = 'application/yaml', auth = true) =>
  fetch(`${served.url}/api/agreement/preview${query}`, {
    method: 'POST',
    headers: {
      ...(auth ? { authorization: `Bearer ${TOKEN}` } : {}),
      ...(body !== undefined ? { 'content-type': type } : {}),
    },
    ...(body !== undefined ? { body } : {}),
  });

type Answer = PreviewReport & { draft_hash: string; warnings: string[] };

describe('POST /api/agreement/preview', () => {
  it('previews the draft on disk without a body, and the same draft sent as the body alike', async () => {
    const res = await post();
    expect(res.status).toBe(200);
    const disk = (await res.json()) as Answer;
    expect(disk).toMatchObject({ live: { version: 7 }, draft: { version: 8, missing: ['sales'] }, people: 250 });
    expect(disk.changed_total).toBeGreaterThan(0);
    expect(disk.warnings.join('\n')).toContain('sales has not approved it');
    const sent = (await (await post('', draftText)).json()) as Answer;
    expect(sent.draft_hash).toBe(disk.draft_hash);
    expect(sent.changed.map((c) => c.email)).toEqual(disk.changed.map((c) => c.email));

    // the same as the preview computed directly on the store, at one instant
    const at = '2026-11-23T00:00:00.000Z';
    const direct = await loadPreview(
      served.store,
      served.ctx.config()!.agreement,
      compileAgreement((await loadAgreementText('d.yaml', draftText, join(dir, 'fields.yaml'))).agreement),
      at,
    );
    const atAnswer = (await (await post(`?at=${at}`)).json()) as Answer;
    expect(atAnswer.changed).toEqual(direct.changed);
    expect(atAnswer.mql_per_week).toEqual(direct.mql_per_week);
    expect(atAnswer.by_owner).toEqual(direct.by_owner);
  });

  it('lists at most `limit` people and counts them all', async () => {
    const r = (await (await post('?limit=2')).json()) as Answer;
    expect(r.changed).toHaveLength(2);
    expect(r.changed_total).toBeGreaterThan(2);
    const bad = await post('?limit=lots');
    expect(bad.status).toBe(400);
    expect(await bad.json()).toMatchObject({ error: 'bad_input', field: 'limit' });
  });

  it('refuses a draft with problems as 400, each problem as file:line:col like baton validate', async () => {
    const res = await post('', draftText.replace('half_life: 30d', 'half_life: soon'));
    expect(res.status).toBe(400);
    const body = (await res.json()) as { error: string; message: string; problems: { line: number; col: number }[] };
    expect(body.error).toBe('config_invalid');
    expect(body.message).toMatch(/^agreement\.yaml:\d+:\d+: /);
    expect(body.problems[0].line).toBe(draftText.split('\n').findIndex((l) => l.includes('half_life')) + 1);
    const yaml = await post('', 'name: [unclosed');
    expect(yaml.status).toBe(400);
    expect(((await yaml.json()) as { message: string }).message).toMatch(/^agreement\.yaml:1:\d+: /);
  });

  it('takes YAML or plain text only, and needs the token', async () => {
    expect((await post('', '{}', 'application/json')).status).toBe(415);
    expect((await post('', draftText, 'text/plain; charset=utf-8')).status).toBe(200);
    expect((await post('', undefined, undefined, false)).status).toBe(401);
  });
});
