/**
 * How the page writes what it shows: no "null" where a callout is absent (a live agreement with no
 * draft and no waiting fields.yaml change, as in the demo), seconds for answers under a minute,
 * money with its currency.
 */
import { afterAll, beforeAll, expect, it } from 'vitest';
import type { Page } from 'playwright-core';
import { launchBrowser, serveSeeded, type Served } from './harness.ts';
import type { DashboardSummary } from '../../../src/server/dashboard/index.ts';
import { agreementInfo, TOKEN } from './seed.ts';

let served: Served;
let browser: Awaited<ReturnType<typeof launchBrowser>>;
let page: Page;

beforeAll(async () => {
  served = await serveSeeded({
    empty: true,
    agreement: { ...agreementInfo, draft: null, restart: null },
    currency: 'EUR',
  });
  // One MQL handed to sales 2 s after the change that made it, answered 30 s later.
  const at = Date.now() - 3_600_000;
  const iso = (ms: number) => new Date(ms).toISOString();
  const person = await served.store.createPerson({ email: 'quick@corp.example', stage: 'sal' });
  const base = {
    personId: person.id,
    version: 7,
    scores: { fit: 50, engagement: 40 },
    passed: [],
    breached: false,
    reason: null,
  };
  await served.store.appendTransitions([
    { ...base, from: 'lead', to: 'mql', at: iso(at), cause: 'rule:demo-request', meta: { handedAt: iso(at + 2000) } },
    { ...base, from: 'mql', to: 'sal', at: iso(at + 32_000), cause: 'feedback', meta: {} },
  ]);
  browser = await launchBrowser();
  page = browser.context.pages()[0] ?? (await browser.context.newPage());
  page.setDefaultTimeout(8000);
  await page.goto(served.url);
  await page.locator('[data-testid="login-token"]').fill(TOKEN);
  await page.locator('[data-testid="login-submit"]').click();
  await page.locator('[data-testid="dashboard"][data-loaded]').waitFor();
});

afterAll(async () => {
  await browser?.close();
  await served?.close();
});

const text = (id: string) => page.locator(`[data-testid="${id}"]`).textContent();

it('writes nothing for absent callouts under the owners’ cards', async () => {
  const panel = await page.locator('[data-slot="agreement"]').textContent();
  expect(panel).toContain('Dana Lee');
  expect(panel).not.toMatch(/null|undefined/);
  expect(await page.locator('[data-testid="agreement-draft"]').count()).toBe(0);
});

it('shows times to answer under a minute in seconds', async () => {
  const dash = await served.api<DashboardSummary>('/api/dashboard');
  expect(dash.sales.time_to_answer.rep.median_hours).toBeCloseTo(30 / 3600, 4);
  expect(await text('tta-baton-median')).toBe('2 s');
  expect(await text('tta-rep-median')).toBe('30 s');
  expect(await text('tta-total-median')).toBe('32 s');
});

it('shows money with its currency (BATON_CURRENCY)', async () => {
  expect((await served.api<DashboardSummary>('/api/dashboard')).currency).toBe('EUR');
  expect(await text('attr-revenue')).toBe('€0.00');
});
