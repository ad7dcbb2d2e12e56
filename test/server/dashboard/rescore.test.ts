/** The dashboard's re-score panel: a progress bar while everyone is re-scored under a new version, gone once done. */
import { afterAll, beforeAll, expect, it } from 'vitest';
import type { Page } from 'playwright-core';
import { setKv, kv } from '../../../src/store/keys.ts';
import { launchBrowser, serveSeeded, type Served } from './harness.ts';
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

/** The re-score of v8 over 40 people, `done` of them walked. */
async function rescoring(done: number, finishedAt: string | null): Promise<void> {
  await setKv(served.store, kv.rescore(), {
    version: 8,
    hash: 'h8',
    total: 40,
    maxId: 40,
    startedAt: '2026-12-01T10:00:00.000Z',
  });
  await setKv(served.store, kv.rescoreWalk('h8'), { afterId: done, done, finishedAt });
}

it('shows the re-score of a new version as a progress bar until it is done', async () => {
  await rescoring(0, null);
  await page.clock.install();
  await page.goto(served.url);
  await page.locator('[data-testid="login-token"]').fill(TOKEN);
  await page.locator('[data-testid="login-submit"]').click();
  const bar = page.locator('[data-testid="rescore-bar"]');
  await bar.waitFor();
  expect(await bar.getAttribute('data-version')).toBe('8');
  expect(await bar.getAttribute('aria-valuenow')).toBe('0');
  expect(await page.locator('[data-testid="panel-rescore"] h2').textContent()).toContain('v8');

  await rescoring(30, null);
  await page.clock.runFor(2100);
  await page.waitForFunction(
    () => document.querySelector('[data-testid="rescore-bar"]')?.getAttribute('aria-valuenow') === '30',
  );
  expect(await page.locator('[data-testid="rescore-text"]').textContent()).toBe('30 of 40 people (75%)');

  await rescoring(40, '2026-12-01T10:01:00.000Z');
  await page.clock.runFor(2100);
  await page.locator('[data-testid="panel-rescore"]').waitFor({ state: 'hidden' });
  expect(await bar.count()).toBe(0);
});
