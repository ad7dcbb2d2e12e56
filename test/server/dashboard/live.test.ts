import { afterAll, beforeAll, expect, it } from 'vitest';
import type { Page } from 'playwright-core';
import { launchBrowser, serveSeeded, type FunnelAnswer, type Served } from './harness.ts';
import { TOKEN } from './seed.ts';

let served: Served;
let browser: Awaited<ReturnType<typeof launchBrowser>>;
let page: Page;

beforeAll(async () => {
  served = await serveSeeded();
  browser = await launchBrowser();
  page = browser.context.pages()[0] ?? (await browser.context.newPage());
  page.setDefaultTimeout(8000);
});

afterAll(async () => {
  await browser?.close();
  await served?.close();
});

it('follows what Baton does while the page is open: a new MQL shows without a reload', async () => {
  // A fake clock lets the page's refresh timer run on demand instead of after real seconds.
  await page.clock.install();
  await page.goto(served.url);
  await page.locator('[data-testid="login-token"]').fill(TOKEN);
  await page.locator('[data-testid="login-submit"]').click();
  await page.locator('[data-testid="dashboard"][data-loaded]').waitFor();
  const before = await served.api<FunnelAnswer>('/api/funnel');

  const person = await served.store.createPerson({ email: 'live@new.example', stage: 'mql' });
  await served.store.appendTransitions([
    {
      personId: person.id,
      from: 'lead',
      to: 'mql',
      at: new Date().toISOString(),
      cause: 'rule:demo-request',
      version: 7,
      scores: { fit: 50, engagement: 40 },
      passed: [],
      breached: false,
      reason: null,
      meta: {},
    },
  ]);
  const funnelCall = page.waitForRequest((r) => r.url().includes('/api/funnel'));
  await page.clock.runFor(16_000);
  await funnelCall;
  await page.waitForFunction(
    (n) => document.querySelector('[data-testid="panel-recent"]')?.textContent?.includes('live@new.example') && n >= 0,
    before.entered.mql ?? 0,
  );
  const after = await served.api<FunnelAnswer>('/api/funnel');
  expect(after.entered.mql).toBe((before.entered.mql ?? 0) + 1);
});
