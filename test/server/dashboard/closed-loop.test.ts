/** The closed-loop panel in Chromium: the revenue/pipeline switch, the models from the API, ROI per campaign. */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Page } from 'playwright-core';
import { launchBrowser, serveSeeded, type Served } from './harness.ts';
import type { CreditReport } from '../../../src/pipeline/attribution/credit-report.ts';
import { TOKEN } from './seed.ts';

let served: Served;
let browser: Awaited<ReturnType<typeof launchBrowser>>;
let page: Page;
const problems: string[] = [];

beforeAll(async () => {
  served = await serveSeeded();
  browser = await launchBrowser();
  const context = browser.context;
  await context.route('**/*', (route) =>
    route.request().url().startsWith(served.url) ? route.continue() : route.abort(),
  );
  page = context.pages()[0] ?? (await context.newPage());
  page.setDefaultTimeout(8000);
  page.on('pageerror', (e) => problems.push(`pageerror: ${e.message}`));
  page.on('response', (r) => {
    if (r.status() >= 400) problems.push(`${r.status()} ${r.url()}`);
  });
  await page.goto(served.url + '/');
  await page.locator('[data-testid="login-token"]').fill(TOKEN);
  await page.locator('[data-testid="login-submit"]').click();
  await page.waitForURL(served.url + '/');
});

afterAll(async () => {
  await browser?.close();
  await served?.close();
});

const byTestId = (id: string) => page.locator(`[data-testid="${id}"]`);
const valueOf = (id: string) => byTestId(id).getAttribute('data-value');
const str = (v: number | null) => (v === null ? '' : String(v));

/** Waits for the panel to show `report` under `model` (when given); returns the API's answer for the same query. */
async function shown(report: string, model?: string): Promise<CreditReport> {
  await page.waitForFunction(
    ([r, m]) => {
      const d = document.querySelector('[data-testid="dashboard"]');
      return (
        !!d?.getAttribute('data-loaded') &&
        !d.hasAttribute('aria-busy') &&
        d.getAttribute('data-report') === r &&
        (!m || d.getAttribute('data-model') === m)
      );
    },
    [report, model ?? ''],
  );
  const root = byTestId('dashboard');
  const q = new URLSearchParams({
    from: (await root.getAttribute('data-from'))!,
    to: (await root.getAttribute('data-to'))!,
    model: (await root.getAttribute('data-model'))!,
    report,
  });
  return served.api<CreditReport>(`/api/attribution?${q}`);
}

async function expectRoiMatches(a: CreditReport) {
  expect(await byTestId('roi-row').count()).toBe(a.roi.by_campaign.length);
  expect(a.roi.by_campaign.length).toBeGreaterThan(0);
  for (const r of a.roi.by_campaign) {
    expect(await valueOf(`roi-cost-${r.name}`), r.name).toBe(str(r.cost));
    expect(await valueOf(`roi-revenue-${r.name}`), r.name).toBe(String(r.revenue));
    expect(await valueOf(`roi-pipeline-${r.name}`), r.name).toBe(String(r.pipeline));
    expect(await valueOf(`roi-mqls-${r.name}`), r.name).toBe(String(r.mqls));
    expect(await valueOf(`roi-cost-per-mql-${r.name}`), r.name).toBe(str(r.cost_per_mql));
    expect(await valueOf(`roi-return-${r.name}`), r.name).toBe(str(r.return_per_dollar));
  }
}

describe('closed-loop panel', () => {
  it('lists the models the API says the agreement defines, and shows ROI per campaign as the API does', async () => {
    const a = await shown('revenue');
    const options = await byTestId('model-select')
      .locator('option')
      .evaluateAll((os) => os.map((o) => (o as HTMLOptionElement).value));
    expect(options).toEqual(a.models);
    // the shipped agreement defines no custom weights: the switcher does not offer custom
    expect(options).not.toContain('custom');
    expect(await valueOf('attr-revenue')).toBe(String(a.report === 'revenue' ? a.revenue : null));
    await expectRoiMatches(a);
    const summit = a.roi.by_campaign.find((r) => r.name === 'Autumn Data Summit')!;
    expect(summit).toMatchObject({ cost: 18000, cost_source: 'salesforce' });
    expect(summit.return_per_dollar).toBe(summit.revenue / 18000);
  });

  it('switches to pipeline: the created pipeline, sourced and influenced figures equal the API', async () => {
    await byTestId('report-select').selectOption('pipeline');
    const p = await shown('pipeline');
    if (p.report !== 'pipeline') throw new Error('expected the pipeline report');
    expect(p.deals).toBeGreaterThan(0);
    expect(await valueOf('attr-pipeline')).toBe(String(p.pipeline));
    expect(await valueOf('attr-deals')).toBe(String(p.deals));
    expect(await valueOf('attr-unattributed')).toBe(String(p.unattributed));
    for (const [k, v] of Object.entries(p.by_campaign))
      expect(await valueOf(`attr-by-campaign-${k}`), k).toBe(String(v));
    for (const [k, v] of Object.entries(p.sourced.by_campaign))
      expect(await valueOf(`attr-sourced-${k}`), k).toBe(String(v));
    for (const [k, v] of Object.entries(p.influenced.by_campaign))
      expect(await valueOf(`attr-influenced-${k}`), k).toBe(String(v));
    expect(await byTestId('attr-revenue').count()).toBe(0);
    await expectRoiMatches(p);

    // the model switch keeps the pipeline report
    await byTestId('model-select').selectOption('first_touch');
    const ft = await shown('pipeline', 'first_touch');
    if (ft.report !== 'pipeline') throw new Error('expected the pipeline report');
    for (const [k, v] of Object.entries(ft.by_campaign))
      expect(await valueOf(`attr-by-campaign-${k}`), k).toBe(String(v));
    expect(ft.by_campaign).toEqual(ft.sourced.by_campaign);

    await byTestId('report-select').selectOption('revenue');
    const back = await shown('revenue', 'first_touch');
    expect(await valueOf('attr-revenue')).toBe(String(back.report === 'revenue' ? back.revenue : null));
    expect(problems).toEqual([]);
  });
});
