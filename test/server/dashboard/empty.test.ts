import { afterAll, beforeAll, expect, it } from 'vitest';
import type { Page } from 'playwright-core';
import { launchBrowser, serveSeeded, type Served } from './harness.ts';
import { TOKEN } from './seed.ts';

let served: Served;
let browser: Awaited<ReturnType<typeof launchBrowser>>;
let page: Page;
const problems: string[] = [];

beforeAll(async () => {
  served = await serveSeeded({ empty: true });
  browser = await launchBrowser();
  page = browser.context.pages()[0] ?? (await browser.context.newPage());
  page.setDefaultTimeout(8000);
  page.on('console', (m) => {
    if (m.type() === 'error') problems.push(m.text());
  });
  page.on('pageerror', (e) => problems.push(e.message));
});
afterAll(async () => {
  await browser?.close();
  await served?.close();
});

it('says what will appear in each panel of an empty store, without errors', async () => {
  await page.setExtraHTTPHeaders({ authorization: `Bearer ${TOKEN}` });
  await page.goto(served.url + '/');
  await page.waitForFunction(() => !!document.querySelector('[data-testid="dashboard"]')?.getAttribute('data-loaded'));
  const visibleEmpty = await page.locator('.empty:visible').allTextContents();
  expect(visibleEmpty.join('\n')).toMatch(/No one entered a stage/);
  expect(visibleEmpty.join('\n')).toMatch(/No rejections/);
  expect(visibleEmpty.join('\n')).toMatch(/No SLA breaches/);
  expect(visibleEmpty.join('\n')).toMatch(/No won deals/);
  expect(visibleEmpty.join('\n')).toMatch(/No handoffs/);
  for (const name of ['funnel', 'reasons', 'campaign', 'channel'])
    await expect(page.locator(`canvas[data-chart="${name}"]`).isVisible()).resolves.toBe(false);
  expect(await page.locator('[data-testid="mk-acceptance"]').textContent()).toBe('—');
  expect(problems).toEqual([]);
});
