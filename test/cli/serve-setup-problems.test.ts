/**
 * `baton serve` as a process against an org missing one field Baton writes (Baton_Reason__c on
 * Lead): the writes are held, the problem is said once (log, /readyz, dashboard), nothing is
 * dead-lettered, and once an admin creates the field every held write arrives with it.
 */
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { expect, test } from 'vitest';
import { startBaton } from '../../sandbox/demo/baton-process.ts';
import { batonApi } from '../../sandbox/demo/baton-api.ts';
import { startSandboxes } from '../../sandbox/demo/servers.ts';

/** Polls `check` until it returns a value (not undefined), or fails with `what` after `ms`. */
async function until<T>(what: string, check: () => Promise<T | undefined>, ms = 40_000): Promise<T> {
  const end = Date.now() + ms;
  for (;;) {
    const v = await check().catch(() => undefined);
    if (v !== undefined) return v;
    if (Date.now() > end) throw new Error(`timed out waiting for ${what}`);
    await new Promise((r) => setTimeout(r, 200));
  }
}

interface Ready {
  status: string;
  problems: { crm: string; object: string; fields?: string[]; fix: string; held: number }[];
}

test(
  'serve holds the writes of a field the org lacks, says so once, and delivers them all with the field once it exists',
  { timeout: 120_000 },
  async () => {
    const dataDir = mkdtempSync(join(tmpdir(), 'baton-serve-setup-'));
    const boxes = await startSandboxes({ people: 12, seed: 5 });
    const reason = boxes.salesforce.org.removeField('Lead', 'Baton_Reason__c')!;
    try {
      const baton = await startBaton({
        boxes,
        dataDir,
        pollIntervalS: 0,
        env: { BATON_RECHECK_SECONDS: '2', BATON_LOG_LEVEL: 'info' },
        readyTimeoutMs: 45_000,
      });
      try {
        const api = batonApi(baton.url, baton.apiToken, baton.webhookSecret);
        const readyz = async () => (await (await fetch(`${baton.url}/readyz`)).json()) as Ready;
        const dashboard = async () =>
          (await (
            await fetch(`${baton.url}/api/dashboard`, { headers: { authorization: `Bearer ${baton.apiToken}` } })
          ).json()) as { health: { deadLetters: number; outboxPending: number; problems: Ready['problems'] } };
        const emails = boxes.sample.people.map((p) => p.email.toLowerCase());
        const at = new Date().toISOString();
        expect(
          await api.postEvents(
            emails.map((email, i) => ({
              id: `demo-${i}`,
              email,
              type: 'form_submission',
              at,
              properties: { form: 'demo-request' },
            })),
          ),
        ).toBe(true);

        const degraded = await until('the problem on /readyz', async () => {
          const r = await readyz();
          return r.problems.length ? r : undefined;
        });
        expect(degraded.status).toBe('degraded');
        expect(degraded.problems).toMatchObject([{ crm: 'salesforce', object: 'Lead', fields: ['Baton_Reason__c'] }]);
        expect(degraded.problems[0].fix).toMatch(/create Baton_Reason__c on Lead/);
        const mql: string[] = [];
        for (const email of emails)
          if ((await api.person(email))?.transitions?.some((t) => t.to === 'mql')) mql.push(email);
        expect(mql.length).toBeGreaterThan(0);
        // held, not written without the field and not dead
        const held = await dashboard();
        expect(held.health.problems).toMatchObject([{ object: 'Lead', fields: ['Baton_Reason__c'] }]);
        expect(held.health.deadLetters).toBe(0);
        expect(held.health.outboxPending).toBeGreaterThan(0);

        const writes = () =>
          boxes.salesforce.log.filter(
            (l) => l.partOf === undefined && /\/composite(\/sobjects)?$/.test(l.path) && l.method !== 'GET',
          ).length;
        const heldSince = writes();
        await new Promise((r) => setTimeout(r, 4500));
        console.info(
          `setup problem: ${mql.length} MQL people held; ${writes() - heldSince} Salesforce write calls in 4.5 s of hold (re-check every 2 s)`,
        );
        boxes.salesforce.org.addField('Lead', reason);
        await until('every MQL Lead written with Baton_Reason__c', async () => {
          const leads = boxes.salesforce.org.rows('Lead').filter((l) => mql.includes(String(l.Email).toLowerCase()));
          return leads.length === mql.length &&
            leads.every((l) => typeof l.Baton_Reason__c === 'string' && l.Baton_Reason__c.length > 0)
            ? true
            : undefined;
        });
        const after = await until('the problem to clear', async () => {
          const r = await readyz();
          return r.problems.length === 0 ? r : undefined;
        });
        expect(after.status).toBe('ready');
        expect((await dashboard()).health.deadLetters).toBe(0);
      } finally {
        expect(await baton.stop()).toBe(0);
      }
      const log = readFileSync(baton.logFile, 'utf8');
      const said = log.split('\n').filter((l) => l.includes('setup problem:') && l.includes('Baton_Reason__c'));
      expect(said).toHaveLength(1);
      expect(log).toMatch(/setup problem resolved/);
    } finally {
      await boxes.close();
      rmSync(dataDir, { recursive: true, force: true });
    }
  },
);
