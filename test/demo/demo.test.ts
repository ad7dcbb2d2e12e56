/**
 * `baton demo` for real, briefly: both sandboxes on loopback, `baton serve` as a child process on
 * SQLite, visitors and reps at a quick pace. The effects are read from the sandboxes' own state.
 */
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, expect, test } from 'vitest';
import { startDemo, type DemoRun } from '../../src/cli/demo.ts';

const dataDir = mkdtempSync(join(tmpdir(), 'baton-demo-test-'));
const lines: string[] = [];
let demo: DemoRun | null = null;

afterAll(async () => {
  await demo?.stop();
  rmSync(dataDir, { recursive: true, force: true });
});

async function until(check: () => boolean, timeoutMs: number): Promise<void> {
  const end = Date.now() + timeoutMs;
  while (!check() && Date.now() < end) await new Promise((r) => setTimeout(r, 250));
}

test('people reach MQL, Leads and Tasks appear in Salesforce, rep feedback reaches HubSpot, the API answers the printed token', { timeout: 90_000 }, async () => {
  demo = await startDemo({ dataDir, stepS: 0.5, repDelayS: [1, 2], say: (t) => lines.push(t) });
  const { boxes, baton } = demo;
  const org = boxes.salesforce.org;
  const contacts = () => [...boxes.hubspot.data.records.contacts.values()];
  const leadsByBaton = () => org.rows('Lead').filter((l) => l.CreatedById === org.integrationUserId);
  const fedBack = () => contacts().filter((c) => ['sal', 'recycled', 'sql', 'opportunity', 'won'].includes(String(c.properties.baton_stage)) || c.properties.baton_reject_reason);
  await until(() => leadsByBaton().length >= 3 && org.rows('Task').length >= 3 && fedBack().length >= 2, 45_000);

  // MQLs, as HubSpot shows them (stage and lifecycle) and as the Leads in Salesforce carry them.
  const mqlEver = contacts().filter((c) => c.properties.baton_stage && !['lead', 'disqualified'].includes(String(c.properties.baton_stage)));
  expect(mqlEver.length).toBeGreaterThanOrEqual(3);
  expect(contacts().some((c) => c.properties.lifecyclestage === 'marketingqualifiedlead' || c.properties.lifecyclestage === 'salesqualifiedlead')).toBe(true);

  // Leads Baton created, each with an MQL Task for its owner, due on a date.
  const leads = leadsByBaton();
  expect(leads.length).toBeGreaterThanOrEqual(3);
  const tasks = org.rows('Task');
  expect(tasks.length).toBeGreaterThanOrEqual(3);
  const task = tasks.find((t) => leads.some((l) => l.Id === t.WhoId))!;
  expect(String(task.Subject)).toMatch(/^New MQL: /);
  expect(task.OwnerId).toBe(org.get(String(task.WhoId))!.OwnerId);
  expect(String(task.ActivityDate)).toMatch(/^\d{4}-\d{2}-\d{2}/);
  expect(boxes.ids.reps).toContain(task.OwnerId);

  // A rep's answer in Salesforce came back to the marketer's contact in HubSpot.
  const answered = fedBack();
  expect(answered.length).toBeGreaterThanOrEqual(2);
  const rejected = contacts().find((c) => c.properties.baton_stage === 'recycled');
  if (rejected) expect(['no_budget', 'bad_timing', 'no_response', 'wrong_contact']).toContain(rejected.properties.baton_reject_reason);

  // The Acme employee who asked for a demo was disqualified, not handed to sales.
  const staff = contacts().find((c) => String(c.properties.email).endsWith('@acme.example') && c.properties.baton_stage);
  if (staff) expect(staff.properties.baton_stage).toBe('disqualified');

  // The API answers the token the demo printed, and refuses without it.
  const funnel = await fetch(`${baton.url}/api/funnel`, { headers: { authorization: `Bearer ${baton.apiToken}` } });
  expect(funnel.status).toBe(200);
  expect((await funnel.json()).entered.mql).toBeGreaterThanOrEqual(3);
  expect((await fetch(`${baton.url}/api/funnel`)).status).toBe(401);

  // Baton's own writes came back as HubSpot echoes and Outbound Messages, and every delivery was acknowledged.
  expect(demo.delivery.stats.hubspotEchoes).toBeGreaterThan(0);
  expect(demo.delivery.stats.salesforceNotifications).toBeGreaterThan(0);
  expect(demo.delivery.stats.failures).toBe(0);
  expect(lines.some((l) => l.startsWith('why ') && /rule:demo-request/.test(l))).toBe(true);

  // A second demo on the same data directory is refused while this one runs.
  await expect(startDemo({ dataDir, say: () => {} })).rejects.toThrow(/another baton demo \(pid \d+\) is running/);

  // Stopping ends serve gracefully; the next run on the same directory starts from a fresh database.
  expect(await demo.stop()).toBe(0);
  expect(baton.child.exitCode).toBe(0);
  demo = await startDemo({ dataDir, stepS: 60, say: () => {} });
  const fresh = await (await fetch(`${demo.baton.url}/api/funnel`, { headers: { authorization: `Bearer ${demo.baton.apiToken}` } })).json();
  expect(fresh.entered.mql ?? 0).toBe(0);
  expect(await demo.stop()).toBe(0);
  demo = null;
});
