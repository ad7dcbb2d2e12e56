/** The draft preview panel in Chromium: the draft on disk previewed over the stored people, as the API answers it. */
import { copyFileSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { PreviewReport } from '../../../src/agreement/preview.ts';
import type { KyselyStore } from '../../../src/store/kysely-store.ts';
import { draftOf, seedPreviewPeople } from '../../../bench/support/preview-people.ts';
import { launchBrowser, serveSeeded, type Served } from './harness.ts';
import { TOKEN } from './seed.ts';

const MAPPINGS = new URL('../../../mappings/', import.meta.url).pathname;
const draftText = draftOf(readFileSync(join(MAPPINGS, 'agreement.yaml'), 'utf8'));
let served: Served;
let browser: Awaited<ReturnType<typeof launchBrowser>>;
let page: Page;
let dir: string;
const problems: string[] = [];

beforeAll(async () => {
  dir = mkdtempSync(join(tmpdir(), 'baton-preview-panel-'));
  copyFileSync(join(MAPPINGS, 'fields.yaml'), join(dir, 'fields.yaml'));
  writeFileSync(join(dir, 'agreement.yaml'), draftText);
  // the dashboard's agreement info names draft v8, as serve reports a draft on disk
  served = await serveSeeded({ empty: true, configDir: dir });
  await seedPreviewPeople((served.store as KyselyStore).db, 300, new Date().toISOString());
  browser = await launchBrowser();
  await browser.context.route('**/*', (route) =>
    route.request().url().startsWith(served.url) ? route.continue() : route.abort(),
  );
  page = browser.context.pages()[0] ?? (await browser.context.newPage());
  page.setDefaultTimeout(10_000);
  page.on('pageerror', (e) => problems.push(`pageerror: ${e.message}`));
  page.on('response', (r) => {
    if (r.status() >= 400) problems.push(`${r.status()} ${r.url()}`);
  });
  await page.goto(served.url + '/');
  await page.locator('[data-testid="login-token"]').fill(TOKEN);
  await page.locator('[data-testid="login-submit"]').click();
  await page.waitForURL(served.url + '/');
}, 60_000);

afterAll(async () => {
  await browser?.close();
  await served?.close();
  rmSync(dir, { recursive: true, force: true });
});

const byTestId = (id: string) => page.locator(`[data-testid="${id}"]`);
const valueOf = (id: string) => byTestId(id).getAttribute('data-value');

async function loaded(): Promise<string> {
  await page.waitForFunction(() => {
    const s = document.querySelector('[data-testid="panel-preview"]');
    return !!s?.getAttribute('data-loaded') && !s.hasAttribute('aria-busy');
  });
  return (await byTestId('panel-preview').getAttribute('data-loaded'))!;
}

describe('the draft preview panel', () => {
  it('shows who changes, the MQLs per week, the owner load and the already rejected, as the API answers', async () => {
    expect(await loaded()).toMatch(/^[0-9a-f]{64}$/);
    const res = await fetch(`${served.url}/api/agreement/preview`, {
      method: 'POST',
      headers: { authorization: `Bearer ${TOKEN}` },
    });
    const api = (await res.json()) as PreviewReport;
    expect(api.changed_total).toBeGreaterThan(0);
    expect(await byTestId('preview-title').textContent()).toContain(
      "'Acme lead handoff' v8 against live v7; sales has not approved it",
    );
    expect(await valueOf('preview-changed-total')).toBe(String(api.changed_total));
    expect(await valueOf('preview-newly')).toBe(String(api.handoffs.newly));
    expect(await valueOf('preview-no-longer')).toBe(String(api.handoffs.no_longer));
    expect(await valueOf('preview-extra')).toBe(String(api.handoffs.draft - api.handoffs.live));
    expect(await valueOf('preview-rejected-people')).toBe(String(api.already_rejected.people));
    const owners = Object.keys(api.by_owner);
    expect(await byTestId('preview-owners').locator('tbody tr').count()).toBe(owners.length);
    for (const [i, k] of owners.entries())
      expect(await valueOf(`preview-owners-${i}-extra`), k).toBe(String(api.by_owner[k].extra));
    expect(await byTestId('preview-segments').locator('tbody tr').count()).toBe(Object.keys(api.by_segment).length);
    const rows = byTestId('preview-changed').locator('tbody tr');
    expect(await rows.count()).toBe(Math.min(50, api.changed_total));
    expect(await rows.first().getAttribute('data-email')).toBe(api.changed[0].email);
    // the chart of MQLs per week is drawn
    expect(await page.locator('[data-chart="preview-weeks"]').isVisible()).toBe(true);
    // a changed person opens in the person view
    await byTestId('preview-open').first().click();
    await page.waitForSelector('[data-testid="person-view"][open]');
    expect(await page.locator('[data-slot="person-title"]').textContent()).toContain(api.changed[0].email);
    await byTestId('person-close').click();
    expect(problems).toEqual([]);
  });

  it('shows the problems of a broken draft as file:line:col', async () => {
    writeFileSync(join(dir, 'agreement.yaml'), draftText.replace('half_life: 30d', 'half_life: soon'));
    await byTestId('preview-refresh').click();
    expect(await loaded()).toBe('error:400');
    const text = await byTestId('preview-problem').textContent();
    const line = draftText.split('\n').findIndex((l) => l.includes('half_life')) + 1;
    expect(text).toContain(`${join(dir, 'agreement.yaml')}:${line}:`);
    problems.length = 0;
  });
});
