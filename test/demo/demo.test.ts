/**
 * `baton demo` for real, briefly: both sandboxes on loopback, `baton serve` as a child process on
 * SQLite, visitors and reps at a quick pace. The effects are read from the sandboxes' own state.
 */
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, expect, test } from 'vitest';
import type { SRecord } from '../../sandbox/salesforce/index.ts';
import { startDemo, type DemoRun } from '../../src/cli/demo.ts';
import type { CreditReport } from '../../src/pipeline/attribution/credit-report.ts';

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

const SCALE = 60; // a 30-minute SLA passes in 30 s, its reminder 15 s before

test(
  'people reach MQL, routed by routing.yaml, with SLA tiers, a reminder and a reassignment; rep feedback reaches HubSpot; the API answers the printed token',
  { timeout: 150_000 },
  async () => {
    demo = await startDemo({ dataDir, stepS: 0.5, repDelayS: [1, 2], timeScale: SCALE, say: (t) => lines.push(t) });
    const { boxes, baton } = demo;
    const org = boxes.salesforce.org;
    const contacts = () => [...boxes.hubspot.data.records.contacts.values()];
    const leadsByBaton = () => org.rows('Lead').filter((l) => l.CreatedById === org.integrationUserId);
    const fedBack = () =>
      contacts().filter(
        (c) =>
          ['sal', 'recycled', 'sql', 'opportunity', 'won'].includes(String(c.properties.baton_stage)) ||
          c.properties.baton_reject_reason,
      );
    await until(() => leadsByBaton().length >= 3 && org.rows('Task').length >= 3 && fedBack().length >= 2, 45_000);

    // MQLs, as HubSpot shows them (stage and lifecycle) and as the Leads in Salesforce carry them.
    const mqlEver = contacts().filter(
      (c) => c.properties.baton_stage && !['lead', 'disqualified'].includes(String(c.properties.baton_stage)),
    );
    expect(mqlEver.length).toBeGreaterThanOrEqual(3);
    expect(
      contacts().some(
        (c) =>
          c.properties.lifecyclestage === 'marketingqualifiedlead' ||
          c.properties.lifecyclestage === 'salesqualifiedlead',
      ),
    ).toBe(true);

    // Leads Baton created, each with an MQL Task for its owner, due on a date.
    const leads = leadsByBaton();
    expect(leads.length).toBeGreaterThanOrEqual(3);
    const tasks = org.rows('Task');
    expect(tasks.length).toBeGreaterThanOrEqual(3);
    const reassignedIds = () =>
      new Set(
        org
          .rows('Task')
          .filter((t) => String(t.Subject).startsWith('Reassigned to you'))
          .map((t) => String(t.WhoId)),
      );
    const task = tasks.find((t) => leads.some((l) => l.Id === t.WhoId) && !reassignedIds().has(String(t.WhoId)))!;
    expect(String(task.Subject)).toMatch(/^New MQL: /);
    expect(task.OwnerId).toBe(org.get(String(task.WhoId))!.OwnerId);
    expect(String(task.ActivityDate)).toMatch(/^\d{4}-\d{2}-\d{2}/);
    expect(boxes.ids.reps).toContain(task.OwnerId);

    // A rep's answer in Salesforce came back to the marketer's contact in HubSpot.
    const answered = fedBack();
    expect(answered.length).toBeGreaterThanOrEqual(2);
    const rejected = contacts().find((c) => c.properties.baton_stage === 'recycled');
    if (rejected)
      expect(['no_budget', 'bad_timing', 'no_response', 'wrong_contact']).toContain(
        rejected.properties.baton_reject_reason,
      );

    // The Acme employee who asked for a demo was disqualified, not handed to sales.
    const staff = contacts().find(
      (c) => String(c.properties.email).endsWith('@acme.example') && c.properties.baton_stage,
    );
    if (staff) expect(staff.properties.baton_stage).toBe('disqualified');

    // The API answers the token the demo printed, and refuses without it.
    const funnel = await fetch(`${baton.url}/api/funnel`, { headers: { authorization: `Bearer ${baton.apiToken}` } });
    expect(funnel.status).toBe(200);
    expect((await funnel.json()).entered.mql).toBeGreaterThanOrEqual(3);
    expect((await fetch(`${baton.url}/api/funnel`)).status).toBe(401);

    // ROI on the demo's data: costs from the org's Campaign.ActualCost and the shipped attribution.costs;
    // return per dollar is credited revenue / cost, campaign by campaign.
    const roi = (await (
      await fetch(`${baton.url}/api/attribution`, { headers: { authorization: `Bearer ${baton.apiToken}` } })
    ).json()) as CreditReport;
    const summit = roi.roi.by_campaign.find((r) => r.name === 'Autumn Data Summit');
    expect(summit).toMatchObject({ cost: 18000, cost_source: 'salesforce' });
    expect(roi.roi.by_campaign.find((r) => r.name === 'Handoff Guide')).toMatchObject({ cost: 2500 });
    for (const r of roi.roi.by_campaign) {
      expect(r.revenue, r.name).toBe(roi.by_campaign[r.name] ?? 0);
      if (r.cost) expect(r.return_per_dollar, r.name).toBe(r.revenue / r.cost);
    }

    // Baton's own writes came back as HubSpot echoes and Outbound Messages, and every delivery was acknowledged.
    expect(demo.delivery.stats.hubspotEchoes).toBeGreaterThan(0);
    expect(demo.delivery.stats.salesforceNotifications).toBeGreaterThan(0);
    expect(demo.delivery.stats.failures).toBe(0);
    expect(lines.some((l) => l.startsWith('why ') && /rule:demo-request/.test(l))).toBe(true);
    // alerts.yaml: the handoff DMs reached the sandbox Slack, one narrative line each.
    expect(lines.some((l) => l.startsWith('  slack   DM to ') && l.includes('New lead for you: '))).toBe(true);

    // Routing and SLA policies, from the sandboxes' state.
    const mqlTasks = () => org.rows('Task').filter((t) => String(t.Subject).startsWith('New MQL: '));
    const firstOwner = (whoId: string) => mqlTasks().find((t) => t.WhoId === whoId)?.OwnerId;
    const contactsByBaton = () =>
      org.rows('Contact').filter((c) => c.CreatedById === org.integrationUserId && c.AccountId);
    const reminders = () =>
      org.rows('Task').filter((t) => /^Reminder: /m.test(String(t.Description ?? '')) && t.Priority === 'High');
    const reassignments = () => org.rows('Task').filter((t) => String(t.Subject).startsWith('Reassigned to you'));
    await until(
      () =>
        contactsByBaton().some((c) => firstOwner(c.Id)) &&
        reminders().length > 0 &&
        // the old MQL Task's close is a write of its own, sent beside the new Task
        reassignments().some((m) => mqlTasks().find((t) => t.WhoId === m.WhoId)?.Status === 'Completed'),
      75_000,
    );

    // Someone from a company that is an Account became a Contact on it, for the Account's owner.
    const matched = contactsByBaton().find((c) => firstOwner(c.Id));
    expect(matched).toBeDefined();
    expect(firstOwner(matched!.Id)).toBe(org.get(String(matched!.AccountId))!.OwnerId);

    // The enterprise rule's weighted round robin (Jordan ×2, Casey ×1): each share within one of its weight.
    const [jordan, casey] = ['jordan.blake@acme.example', 'casey.nguyen@acme.example'].map(
      (e) => org.rows('User').find((u) => u.Email === e)!.Id,
    );
    const enterprise = leadsByBaton().filter((l) => Number(l.NumberOfEmployees) >= 1000 && firstOwner(l.Id));
    expect(enterprise.length).toBeGreaterThanOrEqual(3);
    const share = (id: string) => enterprise.filter((l) => firstOwner(l.Id) === id).length;
    expect(share(jordan) + share(casey)).toBe(enterprise.length);
    expect(Math.abs(share(jordan) - (enterprise.length * 2) / 3)).toBeLessThanOrEqual(1);
    expect(Math.abs(share(casey) - enterprise.length / 3)).toBeLessThanOrEqual(1);

    // A demo request's Task has the 30-minute tier's deadline (30 s on the demo's clock); others have longer ones.
    const demoRequested = new Set(
      contacts()
        .filter((c) => c.properties.recent_conversion_event_name === 'demo-request')
        .map((c) => String(c.properties.email).toLowerCase()),
    );
    const deadlineS = (t: SRecord) => {
      const who = org.get(String(t.WhoId))!;
      return (Date.parse(String(who.Baton_SLA_Due__c)) - Date.parse(String(t.CreatedDate))) / 1000;
    };
    const demoTask = mqlTasks().find(
      (t) =>
        demoRequested.has(String(org.get(String(t.WhoId))?.Email).toLowerCase()) &&
        org.get(String(t.WhoId))?.Baton_SLA_Due__c,
    );
    expect(demoTask).toBeDefined();
    expect(deadlineS(demoTask!)).toBeGreaterThan(1800 / SCALE - 10);
    expect(deadlineS(demoTask!)).toBeLessThanOrEqual(1800 / SCALE + 1); // CreatedDate is cut to the second

    // A reminder on an unanswered MQL Task, and a breach that gave the person to another rep.
    expect(reminders().length).toBeGreaterThan(0);
    const moved = reassignments().find((m) => mqlTasks().find((t) => t.WhoId === m.WhoId)?.Status === 'Completed')!;
    const before = firstOwner(String(moved.WhoId));
    expect(moved.OwnerId).not.toBe(before);
    expect(org.get(String(moved.WhoId))!.OwnerId).toBe(moved.OwnerId);
    expect(mqlTasks().find((t) => t.WhoId === moved.WhoId)!.Status).toBe('Completed');
    // the narrative looks once a second
    await until(
      () =>
        lines.some((l) => l.startsWith('SLA       breached: ')) &&
        lines.some((l) => l.startsWith('SLA       reminder to ')),
      5000,
    );
    expect(
      lines.some((l) => /^baton {2}→ {2}Salesforce: new Lead .* — routing: rule enterprise, round robin: /.test(l)),
    ).toBe(true);
    expect(lines.some((l) => l.startsWith('SLA       breached: ') && /reassigned them to /.test(l))).toBe(true);
    expect(lines.some((l) => l.startsWith('SLA       reminder to '))).toBe(true);

    // A second demo on the same data directory is refused while this one runs.
    await expect(startDemo({ dataDir, say: () => {} })).rejects.toThrow(/another baton demo \(pid \d+\) is running/);

    // Stopping ends serve gracefully; the next run on the same directory starts from a fresh database.
    expect(await demo.stop()).toBe(0);
    expect(baton.child.exitCode).toBe(0);
    demo = await startDemo({ dataDir, stepS: 60, say: () => {} });
    const fresh = await (
      await fetch(`${demo.baton.url}/api/funnel`, { headers: { authorization: `Bearer ${demo.baton.apiToken}` } })
    ).json();
    expect(fresh.entered.mql ?? 0).toBe(0);
    expect(await demo.stop()).toBe(0);
    demo = null;
  },
);
