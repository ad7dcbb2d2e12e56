/**
 * The agreement panel in Chromium, signed in with named users' tokens: the draft on disk opens as
 * its diff with an Approve button for the signed-in owner; approved by one owner it stays a
 * draft, an edit after that approval voids it, a viewer has no button (and the API answers 403),
 * approved by both it goes live and the panel lists it as the live version.
 */
import type { BrowserContext, Page } from 'playwright-core';
import { afterAll, beforeAll, expect, it } from 'vitest';
import { launchBrowser } from '../dashboard/harness.ts';
import { draftOf, serveAgreement, type AgreementServed } from './harness.ts';

let s: AgreementServed;
let browser: Awaited<ReturnType<typeof launchBrowser>>;
let context: BrowserContext;
let page: Page;
beforeAll(async () => {
  s = await serveAgreement();
  browser = await launchBrowser();
  context = browser.context;
  page = context.pages()[0] ?? (await context.newPage());
}, 60_000);
afterAll(async () => {
  await browser?.close();
  await s?.close();
});

const byTestId = (id: string) => page.locator(`[data-testid="${id}"]`);

/** Signs in as `token`'s user (a fresh session) and waits for the page to have loaded. */
async function signIn(token: string): Promise<void> {
  await context.clearCookies();
  await page.goto(s.url);
  await byTestId('login-token').fill(token);
  await byTestId('login-submit').click();
  await loaded();
}

async function loaded(): Promise<void> {
  await page.waitForFunction(
    () =>
      !!document.querySelector('[data-testid="dashboard"]')?.getAttribute('data-loaded') &&
      !document.querySelector('[data-testid="dashboard"]')?.hasAttribute('aria-busy'),
  );
}

const approved = (side: string) => byTestId(`draft-approval-${side}`).getAttribute('data-approved');

it('one owner leaves a draft, an edit voids it, a viewer cannot approve, both owners make it live', async () => {
  await s.writeAgreement(draftOf(s.original));
  await signIn(s.tokens.dana);
  await expect(byTestId('draft-view').getAttribute('data-status')).resolves.toBe('draft');
  await expect(byTestId('draft-diff').textContent()).resolves.toContain('+          - { score: fit, gte: 45 }');
  const kinds = () =>
    page.$$eval('[data-testid="draft-diff"] span', (els) => els.map((e) => `${e.className} ${e.textContent}`));
  const lines = await kinds();
  expect(lines.slice(0, 3)).toEqual([
    expect.stringMatching(/^diff-file --- agreement\.yaml v7 /),
    expect.stringMatching(/^diff-file \+\+\+ agreement\.yaml v8 /),
    expect.stringMatching(/^diff-hunk @@ /),
  ]);
  expect(lines).toContain('diff-del -          - { score: fit, gte: 40 }\n');
  expect(lines).toContain('diff-add +          - { score: fit, gte: 45 }\n');
  await expect(byTestId('draft-approve').textContent()).resolves.toBe('Approve for Marketing as Dana Lee');
  await expect(byTestId('version-7').getAttribute('data-live')).resolves.toBe('true');

  await byTestId('draft-approve').click();
  await page.waitForFunction(
    () => document.querySelector('[data-testid="draft-approval-marketing"]')?.getAttribute('data-approved') === 'true',
  );
  await loaded();
  await expect(byTestId('draft-view').getAttribute('data-status')).resolves.toBe('draft');
  await expect(byTestId('draft-approval-marketing').textContent()).resolves.toMatch(/Dana Lee on the dashboard/);
  expect(await approved('sales')).toBe('false');
  expect(await byTestId('draft-approve').count()).toBe(0);
  expect(s.config.current()!.version).toBe(7);
  await expect(byTestId('agreement-version').getAttribute('data-value')).resolves.toBe('7');

  // An edit after the approval: another hash, no approval carried over (and the last newline gone, which the diff marks).
  await s.writeAgreement(draftOf(s.original, 8, 50).trimEnd());
  await page.reload();
  await loaded();
  expect(await approved('marketing')).toBe('false');
  await expect(byTestId('draft-diff').textContent()).resolves.toContain('+          - { score: fit, gte: 50 }');
  expect(await kinds()).toContain('diff-note \\ No newline at end of file\n');
  await expect(byTestId('draft-approve').count()).resolves.toBe(1);

  // A viewer sees the draft but has no button; the API refuses them.
  await signIn(s.tokens.vic);
  expect(await byTestId('draft-approve').count()).toBe(0);
  await expect(byTestId('draft-you').textContent()).resolves.toMatch(/viewer/);
  const hash = await byTestId('draft-view').getAttribute('data-hash');
  const status = await page.evaluate(
    async (h) =>
      (
        await fetch('/api/agreement/approve', {
          method: 'POST',
          headers: { 'content-type': 'application/json' },
          body: JSON.stringify({ hash: h }),
        })
      ).status,
    hash,
  );
  expect(status).toBe(403);

  await signIn(s.tokens.dana);
  await byTestId('draft-approve').click();
  await page.waitForFunction(
    () => document.querySelector('[data-testid="draft-approval-marketing"]')?.getAttribute('data-approved') === 'true',
  );
  expect(s.config.current()!.version).toBe(7);

  await signIn(s.tokens.raj);
  await expect(byTestId('draft-approve').textContent()).resolves.toBe('Approve for Sales as Raj Patel');
  await byTestId('draft-approve').click();
  await page.waitForFunction(() => document.querySelector('[data-testid="draft-view"]') === null);
  await loaded();
  expect(s.config.current()!.version).toBe(8);
  await expect(byTestId('version-8').getAttribute('data-live')).resolves.toBe('true');
  await expect(byTestId('version-7').getAttribute('data-live')).resolves.toBe('false');
  await expect(byTestId('agreement-version').getAttribute('data-value')).resolves.toBe('8');
  // The live version's owners show what Baton recorded, though the file carries no dates.
  await expect(byTestId('owner-sales-approved').textContent()).resolves.toMatch(/^Approved /);
  await expect(byTestId('version-8').textContent()).resolves.toMatch(/Raj Patel on the dashboard/);
}, 60_000);
