import { mkdirSync } from 'node:fs';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { BrowserContext, Page } from 'playwright-core';
import { launchBrowser, serveSeeded, type FunnelAnswer, type Served } from './harness.ts';
import type { AttributionSummary } from '../../../src/attribution/report.ts';
import type { DashboardSummary } from '../../../src/server/dashboard/index.ts';
import type { PersonView } from '../../../sandbox/demo/baton-api.ts';
import { seededHealth, TOKEN } from './seed.ts';
import { problemsOf } from '../../../src/pipeline/setup-problems.ts';
import type { OutcomeReportWithSuggestion } from '../../../src/pipeline/reports/outcomes.ts';

let served: Served;
let browser: Awaited<ReturnType<typeof launchBrowser>>;
let context: BrowserContext;
let page: Page;
const problems: string[] = [];

beforeAll(async () => {
  served = await serveSeeded();
  browser = await launchBrowser();
  context = browser.context;
  // Only the page's own origin may be reached: anything else would mean the page needs the internet.
  await context.route('**/*', (route) =>
    route.request().url().startsWith(served.url) ? route.continue() : route.abort(),
  );
  page = context.pages()[0] ?? (await context.newPage());
  page.setDefaultTimeout(8000);
  // The refused login answers 401 on purpose; Chromium reports that document's status as an error.
  page.on('console', (m) => {
    if (m.type() === 'error' && !m.location().url.endsWith('/login'))
      problems.push(`console: ${m.text()} (${m.location().url})`);
  });
  page.on('pageerror', (e) => problems.push(`pageerror: ${e.message}`));
  page.on('requestfailed', (r) => problems.push(`request failed: ${r.url()}`));
  page.on('response', (r) => {
    if (r.status() >= 400 && !r.url().endsWith('/login')) problems.push(`${r.status()} ${r.url()}`);
  });
});

afterAll(async () => {
  await browser?.close();
  await served?.close();
});

const byTestId = (id: string) => page.locator(`[data-testid="${id}"]`);
const valueOf = (id: string) => byTestId(id).getAttribute('data-value');

/** Waits until the page shows the numbers of one range and model; returns them. */
async function loaded(): Promise<{ from: string; to: string; model: string }> {
  await page.waitForFunction(
    () =>
      !!document.querySelector('[data-testid="dashboard"]')?.getAttribute('data-loaded') &&
      !document.querySelector('[data-testid="dashboard"]')?.hasAttribute('aria-busy'),
  );
  const [from, to, model] = (await byTestId('dashboard').getAttribute('data-loaded'))!.split('|');
  return { from, to, model };
}

async function expectNumbersMatchApi(range: { from: string; to: string; model: string }) {
  const q = `from=${encodeURIComponent(range.from)}&to=${encodeURIComponent(range.to)}`;
  const [funnel, attribution, dash] = await Promise.all([
    served.api<FunnelAnswer>(`/api/funnel?${q}`),
    served.api<AttributionSummary>(`/api/attribution?${q}&model=${range.model}`),
    served.api<DashboardSummary>(`/api/dashboard?${q}`),
  ]);
  for (const s of ['mql', 'sal', 'sql', 'opportunity', 'won', 'lost', 'recycled', 'disqualified'])
    expect(await valueOf(`funnel-entered-${s}`), s).toBe(String(funnel.entered[s] ?? 0));
  for (const c of ['mql_to_sal', 'sal_to_sql', 'sql_to_won'])
    expect(await valueOf(`funnel-conv-${c}`)).toBe(String(funnel.conversion[c]));
  expect(await valueOf('attr-revenue')).toBe(String(attribution.revenue));
  expect(await valueOf('attr-deals')).toBe(String(attribution.deals));
  expect(await valueOf('attr-unattributed')).toBe(String(attribution.unattributed));
  expect(await valueOf('attr-model')).toBe(attribution.model);
  for (const [k, v] of Object.entries(attribution.by_campaign))
    expect(await valueOf(`attr-by-campaign-${k}`), k).toBe(String(v));
  for (const [k, v] of Object.entries(attribution.by_channel))
    expect(await valueOf(`attr-by-channel-${k}`), k).toBe(String(v));
  expect(await byTestId('attr-by-campaign').locator('li').count()).toBe(Object.keys(attribution.by_campaign).length);
  expect(await valueOf('mk-mqls')).toBe(String(dash.marketing.mqls_delivered));
  expect(await valueOf('mk-acceptance')).toBe(String(dash.marketing.acceptance_rate ?? ''));
  expect(await valueOf('mk-requalified')).toBe(String(dash.marketing.requalified));
  for (const [k, v] of Object.entries(dash.marketing.reject_reasons))
    expect(await valueOf(`reason-${k}`)).toBe(String(v));
  expect(await valueOf('sla-in-time')).toBe(String(dash.sales.sla.answered_in_time));
  expect(await valueOf('sla-breached')).toBe(String(dash.sales.sla.breached));
  expect(await valueOf('sla-open')).toBe(String(dash.sales.sla.open));
  for (const k of ['total', 'baton', 'rep'] as const)
    expect(await valueOf(`tta-${k}-median`)).toBe(String(dash.sales.time_to_answer[k].median_hours ?? ''));
  for (const [k, v] of Object.entries(dash.sales.breaches_by_owner))
    expect(await valueOf(`breach-${k}`)).toBe(String(v));
  expect(await byTestId('handoff-row').count()).toBe(dash.recent.length);
  const outcomes = await expectOutcomesMatchApi(q);
  return { funnel, attribution, dash, outcomes };
}

/** Every figure of the outcomes panel equals `/api/outcomes` for the same range. */
async function expectOutcomesMatchApi(q: string) {
  const o = await served.api<OutcomeReportWithSuggestion>(`/api/outcomes?${q}`);
  expect(await valueOf('outcomes-people')).toBe(String(o.people));
  expect(await valueOf('outcomes-missed')).toBe(String(o.missed_buyers.count));
  expect(await valueOf('outcomes-alarms')).toBe(String(o.false_alarms.count));
  expect(await valueOf('outcomes-acceptance')).toBe(String(o.suggestion.current.acceptance));
  for (const score of ['fit', 'engagement'] as const)
    for (const [i, row] of o.conversion[score].entries())
      for (const k of ['people', 'mql', 'opportunity', 'won', 'opportunity_rate', 'lift_opportunity'] as const)
        expect(await valueOf(`outcomes-${score}-${i}-${k}`), `${score} ${row.band} ${k}`).toBe(String(row[k] ?? ''));
  for (const [i, r] of o.qualification_rules.entries())
    for (const k of ['people', 'acceptance', 'rejected', 'won_revenue', 'median_days_to_close'] as const)
      expect(await valueOf(`outcomes-rule-${i}-${k}`), `${r.rule} ${k}`).toBe(String(r[k] ?? ''));
  const listed = async (kind: string) =>
    byTestId(`outcomes-${kind}-open`).evaluateAll((els) => els.map((e) => (e as HTMLElement).dataset.href));
  expect(await listed('missed')).toEqual(o.missed_buyers.people.slice(0, 10).map((p) => p.href));
  expect(await listed('alarms')).toEqual(o.false_alarms.people.slice(0, 10).map((p) => p.href));
  if (o.suggestion.same_mqls) expect(await valueOf('outcomes-suggest-mqls')).toBe(String(o.suggestion.same_mqls.mqls));
  return o;
}

describe('dashboard in Chromium', () => {
  it('refuses a wrong token with a message and keeps it out of the URL', async () => {
    await page.goto(served.url + '/');
    await expect(byTestId('login-form').isVisible()).resolves.toBe(true);
    await byTestId('login-token').fill('not-the-token');
    const [response] = await Promise.all([
      page.waitForResponse((r) => r.url().endsWith('/login')),
      byTestId('login-submit').click(),
    ]);
    expect(response.status()).toBe(401);
    await expect(byTestId('login-error').textContent()).resolves.toContain('not right');
    expect(page.url()).not.toContain('not-the-token');
    expect(await context.cookies()).toEqual([]);
  });

  it('lands on the dashboard with the right token; every panel shows the seeded data as the API returns it', async () => {
    await byTestId('login-token').fill(TOKEN);
    await byTestId('login-submit').click();
    await page.waitForURL(served.url + '/');
    expect(page.url()).not.toContain(TOKEN);
    const [cookie] = await context.cookies();
    expect(cookie).toMatchObject({ name: 'baton_session', httpOnly: true, sameSite: 'Strict' });
    expect(cookie.value).not.toContain(TOKEN);

    const range = await loaded();
    // default range: the last 30 days, whole UTC days
    expect(Date.parse(range.to) - Date.parse(range.from)).toBe(30 * 86_400_000 - 1);
    expect(range.model).toBe('w_shaped');
    const { funnel, attribution, dash, outcomes } = await expectNumbersMatchApi(range);
    expect(funnel.entered.mql).toBeGreaterThan(0);
    expect(outcomes.people).toBeGreaterThan(0);
    expect(outcomes.qualification_rules.length).toBeGreaterThan(0);
    expect(attribution.revenue).toBeGreaterThan(0);
    expect(attribution.unattributed).toBeGreaterThan(0);
    expect(dash.sales.sla.breached).toBeGreaterThan(0);
    expect(dash.marketing.requalified).toBe(1);

    await expect(byTestId('agreement-name').textContent()).resolves.toBe('Acme lead handoff');
    expect(await valueOf('agreement-version')).toBe('7');
    await expect(byTestId('owner-marketing').textContent()).resolves.toContain('Dana Lee');
    await expect(byTestId('owner-sales-approved').textContent()).resolves.toContain('Approved');
    await expect(byTestId('agreement-draft').textContent()).resolves.toContain('Version 8 is a draft');
    await expect(byTestId('fields-restart').textContent()).resolves.toContain(
      'Restart baton serve to apply: added hubspot contact property industry',
    );
    expect(await valueOf('health-dead-letters')).toBe(String(seededHealth.deadLetters));
    expect(await valueOf('health-outbox-pending')).toBe(String(seededHealth.outboxPending));
    expect(await valueOf('health-inbox-pending')).toBe(String(seededHealth.inboxPending));
    expect(Number(await valueOf('health-inbox-lag'))).toBeGreaterThan(0);
    await expect(byTestId('dlq-note').textContent()).resolves.toContain('baton dlq list');
    expect(await valueOf('connector-hubspot')).toBe('on');
    expect(await valueOf('connector-salesforce')).toBe('off');
    // every chart drew something
    for (const name of ['funnel', 'reasons', 'campaign', 'channel']) {
      const drawn = await page
        .locator(`canvas[data-chart="${name}"]`)
        .evaluate(
          (c: HTMLCanvasElement) =>
            c.width > 0 &&
            c.height > 0 &&
            (Reflect.get(globalThis, 'Chart') as { getChart(c: HTMLCanvasElement): unknown }).getChart(c) !== undefined,
        );
      expect(drawn, name).toBe(true);
    }

    mkdirSync('test-output', { recursive: true });
    await page.screenshot({ path: 'test-output/dashboard.png', fullPage: true });
  });

  it('follows the date range and the attribution model to what the API returns', async () => {
    const before = await valueOf('funnel-entered-mql');
    const shown = await byTestId('dashboard').getAttribute('data-loaded');
    await byTestId('range-90').click();
    await page.waitForFunction(
      (prev) => document.querySelector('[data-testid="dashboard"]')?.getAttribute('data-loaded') !== prev,
      shown,
    );
    const range = await loaded();
    expect(Date.parse(range.to) - Date.parse(range.from)).toBe(90 * 86_400_000 - 1);
    await expectNumbersMatchApi(range);
    expect(await valueOf('funnel-entered-mql')).not.toBe(before);

    // a typed range
    const toDay = range.to.slice(0, 10);
    const fromDay = new Date(Date.parse(range.to) - 7 * 86_400_000).toISOString().slice(0, 10);
    await byTestId('range-from').fill(fromDay);
    await byTestId('range-to').fill(toDay);
    await byTestId('range-apply').click();
    await page.waitForFunction(
      (f) => document.querySelector('[data-testid="dashboard"]')?.getAttribute('data-from') === f,
      `${fromDay}T00:00:00.000Z`,
    );
    await expectNumbersMatchApi(await loaded());

    await byTestId('range-30').click();
    await page.waitForFunction(
      (f) => document.querySelector('[data-testid="dashboard"]')?.getAttribute('data-from') !== f,
      `${fromDay}T00:00:00.000Z`,
    );
    let revenue = await valueOf('attr-by-campaign-Autumn Data Summit');
    for (const model of ['first_touch', 'linear', 'time_decay']) {
      await byTestId('model-select').selectOption(model);
      await page.waitForFunction(
        (m) => document.querySelector('[data-testid="dashboard"]')?.getAttribute('data-model') === m,
        model,
      );
      const now = await loaded();
      expect(now.model).toBe(model);
      const { attribution } = await expectNumbersMatchApi(now);
      expect(attribution.model).toBe(model);
      const next = await valueOf('attr-by-campaign-Autumn Data Summit');
      expect(next, model).not.toBe(revenue);
      revenue = next;
    }
  });

  it("opens a person's detail from a recent handoff", async () => {
    const button = byTestId('handoff-open').filter({ hasText: 'ana@corp.example' }).first();
    await button.click();
    await byTestId('person-history').waitFor();
    const person = await served.api<PersonView>('/api/people/ana%40corp.example');
    await expect(page.locator('#person-title').textContent()).resolves.toBe('ana@corp.example');
    expect(await valueOf('person-stage')).toBe(person.stage);
    expect(await valueOf('person-fit')).toBe(String(person.scores!.fit));
    expect(await byTestId('person-explanation').locator('li').allTextContents()).toEqual(person.explanation);
    expect(await byTestId('person-history').locator('tbody tr').count()).toBe(person.transitions!.length);
    await page.screenshot({ path: 'test-output/dashboard-person.png' });
    await byTestId('person-close').click();
    await expect(byTestId('person-view').isVisible()).resolves.toBe(false);
  });

  it('shows a setup problem in the health panel: what is wrong, how to fix it, how many writes are held', async () => {
    const problem = {
      crm: 'salesforce' as const,
      kind: 'missing_field' as const,
      object: 'Lead',
      fields: ['Baton_Reason__c'],
      message: 'Salesforce Lead has no field Baton_Reason__c',
      fix: 'create Baton_Reason__c on Lead',
    };
    for (const row of [1, 2, 3]) problemsOf(served.ctx).report(problem, row, new Date());
    await page.reload();
    await loaded();
    const shown = byTestId('setup-problem-0');
    await expect(shown.getAttribute('data-fields')).resolves.toBe('Baton_Reason__c');
    await expect(shown.textContent()).resolves.toMatch(
      /Salesforce Lead has no field Baton_Reason__c\. Fix: create Baton_Reason__c on Lead\. 3 writes held/,
    );
    const dash = await served.api<DashboardSummary>('/api/dashboard');
    expect(dash.health.problems).toMatchObject([{ object: 'Lead', fields: ['Baton_Reason__c'], held: 3 }]);
  });

  it('logged no console errors and reached nothing outside Baton', () => {
    expect(problems).toEqual([]);
  });
});
