/**
 * `baton doctor` and `baton setup` through the CLI entry (`main`), against sandboxes served over
 * loopback and started bare: no Baton fields or properties, no Lead Status `Qualified`, no
 * unlocked Campaign Influence model, and a HubSpot token missing a scope.
 */
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { serveFakeApi } from '../../sandbox/http.ts';
import { ALL_SCOPES, createFakeHubSpot, type FakeHubSpot } from '../../sandbox/hubspot/index.ts';
import { createFakeSalesforce, type FakeSalesforce } from '../../sandbox/salesforce/index.ts';
import { runBaton } from '../support/run-baton.ts';

const MAPPINGS = join(import.meta.dirname, '..', '..', 'mappings');
const TOKEN = 'pat-na1-doctor-test';

let hubspot: FakeHubSpot;
let salesforce: FakeSalesforce;
let servers: { close(): Promise<void> }[] = [];
let dir: string;
let env: Record<string, string>;

/** Runs `baton ARGS` in this process with `env`; returns the exit code and what it printed. */
const baton = (args: string[], extraEnv: Record<string, string> = {}) => runBaton(args, { ...env, ...extraEnv });

const problemLines = (out: string) => out.split('\n').filter((l) => l.startsWith('PROBLEM'));

beforeAll(async () => {
  hubspot = createFakeHubSpot({
    accessToken: TOKEN,
    scopes: ALL_SCOPES.filter((s) => s !== 'crm.objects.deals.write'),
  });
  salesforce = createFakeSalesforce({ bare: true });
  const hs = await serveFakeApi(hubspot);
  const sf = await serveFakeApi(salesforce);
  servers = [hs, sf];
  dir = mkdtempSync(join(tmpdir(), 'baton-doctor-'));
  env = {
    BATON_CONFIG_DIR: MAPPINGS,
    BATON_DATABASE_URL: `sqlite:${join(dir, 'baton.db')}`,
    BATON_PUBLIC_URL: 'https://baton.acme.example',
    HUBSPOT_ACCESS_TOKEN: TOKEN,
    HUBSPOT_BASE_URL: hs.url,
    SALESFORCE_INSTANCE_URL: sf.url,
    SALESFORCE_ACCESS_TOKEN: 'fake-session-token',
    BATON_LOG_LEVEL: 'error',
  };
});

afterAll(async () => {
  await Promise.all(servers.map((s) => s.close()));
  rmSync(dir, { recursive: true, force: true });
});

describe('baton doctor and setup against bare sandboxes', () => {
  it('doctor names each missing piece with its fix and exits non-zero', async () => {
    const r = await baton(['doctor']);
    expect(r.code).toBe(1);
    const problems = problemLines(r.out);
    expect(problems.find((l) => l.includes('hubspot.scopes'))).toMatch(
      /lacks the scope crm\.objects\.deals\.write — fix \(you\): add crm\.objects\.deals\.write/,
    );
    expect(problems.find((l) => l.includes('hubspot.properties.contacts.baton'))).toMatch(
      /baton_stage.*fix \(baton setup\): run `baton setup hubspot`/,
    );
    expect(problems.find((l) => l.includes('hubspot.properties.deals.baton'))).toMatch(/baton_attribution/);
    for (const f of ['Baton_Stage__c', 'Baton_Fit_Score__c', 'Baton_SLA_Due__c', 'Baton_Reject_Reason__c']) {
      expect(problems.find((l) => l.includes(`salesforce.field.${f}`))).toMatch(
        new RegExp(`Lead\\.${f}, Contact\\.${f} does not exist — fix \\(baton setup\\)`),
      );
    }
    expect(problems.find((l) => l.includes('salesforce.picklist.Lead.Status'))).toMatch(
      /Lead Status has no value 'Qualified' — fix \(you\): Setup → Object Manager → Lead → Fields & Relationships → Lead Status → Values → New/,
    );
    expect(problems.find((l) => l.includes('salesforce.campaign_influence'))).toMatch(
      /no active, unlocked campaign influence model/,
    );
    expect(r.out).toMatch(
      /^warn +salesforce\.changes: no Outbound Message on Lead or Contact: changes reach Baton by polling only/m,
    );
    expect(r.out).toMatch(/^ok +hubspot\.token: the token works: a static token/m);
    expect(r.out).toMatch(/^ok +salesforce\.login: .* API v62\.0/m);
    expect(r.out).toMatch(/^ok +salesforce\.budget: API budget today: \d+ of 100000 calls left/m);
    expect(r.out).toMatch(/^ok +salesforce\.tasks: Tasks can be created/m);
    expect(r.out).toMatch(/^warn +store: .* not migrated yet/m);
    expect(r.out).toMatch(
      /^info +hubspot\.webhooks: the app needs \d+ webhook subscriptions .* aimed at https:\/\/baton\.acme\.example\/webhooks\/hubspot/m,
    );
    expect(r.out).toMatch(/\n\d+ problems: \d+ for `baton setup`, 3 for a person$/);
  });

  it('setup --dry-run changes nothing and says what it would create', async () => {
    const before = {
      hs: hubspot.calls(/\/batch\/create$|\/groups$/, 'POST').length,
      sf:
        salesforce.calls('/tooling/sobjects/', 'POST').length + salesforce.calls('/sobjects/Permission', 'POST').length,
    };
    const hs = await baton(['setup', 'hubspot', '--dry-run']);
    const sf = await baton(['setup', 'salesforce', '--dry-run']);
    expect(hs.code).toBe(0);
    expect(sf.code).toBe(0);
    expect(hs.out).toMatch(
      /would create:\n {2}\+ contact property group baton\n {2}\+ contact property baton_stage \(string\)/,
    );
    expect(sf.out).toContain('  + field Lead.Baton_Stage__c (Text)');
    expect(sf.out).toContain('  + permission set Baton_Integration');
    expect({
      hs: hubspot.calls(/\/batch\/create$|\/groups$/, 'POST').length,
      sf:
        salesforce.calls('/tooling/sobjects/', 'POST').length + salesforce.calls('/sobjects/Permission', 'POST').length,
    }).toEqual(before);
  });

  it('setup creates what Baton owns and prints what only a person can do; a second setup creates nothing', async () => {
    const hs = await baton(['setup', 'hubspot']);
    expect(hs.code).toBe(0);
    expect(hs.out).toContain('  + contact property baton_fit_score (number)');
    expect(hs.out).toContain('  + deal property baton_idempotency_key (string)');
    expect(hs.out).toMatch(/only a person can do:\n {2}- the app lacks the scope crm\.objects\.deals\.write/);
    expect([...hubspot.data.properties.contacts.keys()].filter((k) => k.startsWith('baton_')).sort()).toEqual([
      'baton_engagement_score',
      'baton_fit_score',
      'baton_reason',
      'baton_reject_reason',
      'baton_stage',
    ]);

    const sf = await baton(['setup', 'salesforce']);
    expect(sf.code).toBe(0);
    for (const o of ['Lead', 'Contact']) {
      expect(sf.out).toContain(`  + field ${o}.Baton_SLA_Due__c (DateTime)`);
      expect(sf.out).toContain(`  + field ${o}.Baton_Fit_Score__c (Number)`);
      expect(sf.out).toContain(`  + read and edit on ${o}.Baton_Stage__c in Baton_Integration`);
    }
    expect(sf.out).toMatch(/\+ Baton_Integration assigned to the integration user 005/);
    expect(sf.out).toMatch(
      /only a person can do:\n(.*\n)*? {2}- Lead Status has no value 'Qualified': Setup → Object Manager → Lead/,
    );
    expect(sf.out).toMatch(
      / {2}- no Outbound Message on Lead or Contact.*endpoint https:\/\/baton\.acme\.example\/webhooks\/salesforce\/outbound/,
    );
    // The integration user now sees and may edit the new fields, as describe reports them.
    expect(salesforce.org.fieldOf('Contact', 'Baton_Reason__c')).toBeDefined();
    expect(salesforce.org.grant('Lead', 'Baton_SLA_Due__c')).toEqual({ read: true, edit: true });

    const creates = () => [
      hubspot.calls(/\/batch\/create$|\/groups$/, 'POST').length,
      salesforce.calls('/tooling/sobjects/', 'POST').length,
      salesforce.calls('/sobjects/Permission', 'POST').length,
      salesforce.calls('/sobjects/FieldPermissions', 'POST').length,
    ];
    const before = creates();
    const again = [await baton(['setup', 'hubspot']), await baton(['setup', 'salesforce'])];
    for (const r of again) {
      expect(r.code).toBe(0);
      expect(r.out).toContain('created: nothing (everything Baton owns is there)');
    }
    expect(creates()).toEqual(before);
  });

  it('doctor then names only what a person must do, and exits 0 once that is done', async () => {
    const r = await baton(['doctor']);
    expect(r.code).toBe(1);
    const problems = problemLines(r.out);
    expect(problems.map((l) => l.split(':')[0].replace('PROBLEM ', ''))).toEqual([
      'hubspot.scopes',
      'salesforce.picklist.Lead.Status',
      'salesforce.campaign_influence',
    ]);
    expect(problems.every((l) => l.includes('fix (you)'))).toBe(true);

    // What a person does: grant the scope, add the picklist value, create an influence model, an Outbound Message.
    hubspot.grantScopes(['crm.objects.deals.write']);
    salesforce.org.fieldOf('Lead', 'Status')!.picklist!.push('Qualified');
    salesforce.org.insert('CampaignInfluenceModel', {
      DeveloperName: 'Baton_Attribution',
      MasterLabel: 'Baton',
      IsDefaultModel: false,
      IsActive: true,
      IsModelLocked: false,
    });
    salesforce.tooling.outboundMessages.push({
      Id: '04k5g0000000001',
      Name: 'Baton_Lead_Changes',
      EntityDefinitionId: 'Lead',
      EndpointUrl: 'https://baton.acme.example/webhooks/salesforce/outbound',
    });

    const done = await baton(['doctor', '--json']);
    expect(done.code).toBe(0);
    const report = JSON.parse(done.out) as { ok: boolean; checks: { id: string; status: string }[] };
    expect(report.ok).toBe(true);
    expect(report.checks.filter((c) => c.status === 'problem')).toEqual([]);
    expect(report.checks.find((c) => c.id === 'salesforce.changes')).toMatchObject({ status: 'ok' });
  });

  it('doctor and setup answer --help, and setup refuses an unknown CRM', async () => {
    for (const cmd of ['doctor', 'setup', 'init']) {
      const r = await baton([cmd, '--help']);
      expect(r.code).toBe(0);
      expect(r.out).toMatch(new RegExp(`^usage: baton ${cmd}`));
    }
    const bad = await baton(['setup', 'pipedrive']);
    expect(bad.code).toBe(1);
    expect(bad.out).toMatch(/name one CRM, hubspot or salesforce/);
  });
});

describe('baton setup hubspot without the schema scope', () => {
  it('names the missing scope and exits non-zero', async () => {
    const hs = createFakeHubSpot({
      accessToken: TOKEN,
      scopes: ALL_SCOPES.filter((s) => s !== 'crm.schemas.contacts.write'),
    });
    const server = await serveFakeApi(hs);
    try {
      const r = await baton(['setup', 'hubspot'], { HUBSPOT_BASE_URL: server.url });
      expect(r.code).toBe(1);
      expect(r.out).toMatch(
        /PROBLEM +hubspot\.properties\.contacts: cannot create Baton's contact properties: .*fix \(you\): grant the app the scope crm\.schemas\.contacts\.write/,
      );
      expect([...hs.data.properties.contacts.keys()].some((k) => k.startsWith('baton_'))).toBe(false);
    } finally {
      await server.close();
    }
  });
});

describe('baton setup with credentials the CRM refuses', () => {
  it('says it stopped and why, never that everything Baton owns is there, and exits 1', async () => {
    const hs = await baton(['setup', 'hubspot'], { HUBSPOT_ACCESS_TOKEN: 'pat-na1-not-this-one' });
    const sf = await baton(['setup', 'salesforce'], {
      SALESFORCE_ACCESS_TOKEN: '',
      SALESFORCE_CLIENT_ID: 'not-this-app',
      SALESFORCE_CLIENT_SECRET: 'nor-this-secret',
    });
    for (const r of [hs, sf]) {
      expect(r.code).toBe(1);
      expect(r.out).toMatch(/^created: nothing$/m);
      expect(r.out).not.toContain('everything Baton owns is there');
    }
    expect(hs.out).toMatch(/^PROBLEM hubspot\.properties\.contacts: .*HubSpot refused the access token \(401\)/m);
    expect(sf.out).toMatch(/^PROBLEM salesforce\.setup: setup stopped: .*invalid client credentials/m);
  });
});

describe('baton setup hubspot --project', () => {
  it('writes the developer-platform project: static auth, exactly the scopes, webhooks aimed at BATON_PUBLIC_URL', async () => {
    const project = join(dir, 'hubspot-project');
    const r = await baton(['setup', 'hubspot', '--project', project]);
    expect(r.code).toBe(0);
    expect(r.out).toContain(`  + ${join(project, 'src/app/app-hsmeta.json')}`);
    expect(r.out).toMatch(/hs project upload/);
    const read = (p: string) => JSON.parse(readFileSync(join(project, p), 'utf8'));
    expect(read('hsproject.json')).toEqual({ name: 'baton', srcDir: 'src', platformVersion: '2025.2' });
    const app = read('src/app/app-hsmeta.json');
    expect(app).toMatchObject({ type: 'app', config: { distribution: 'private', auth: { type: 'static' } } });
    expect(app.config.auth.requiredScopes).toEqual([
      'crm.objects.companies.read',
      'crm.objects.contacts.read',
      'crm.objects.contacts.write',
      'crm.objects.deals.read',
      'crm.objects.deals.write',
      'crm.objects.owners.read',
      'crm.schemas.companies.read',
      'crm.schemas.contacts.read',
      'crm.schemas.contacts.write',
      'crm.schemas.deals.read',
      'crm.schemas.deals.write',
    ]);
    const hooks = read('src/app/webhooks/webhooks-hsmeta.json');
    expect(hooks.config.settings.targetUrl).toBe('https://baton.acme.example/webhooks/hubspot');
    const subs = hooks.config.subscriptions.legacyCrmObjects as { subscriptionType: string; propertyName?: string }[];
    expect(subs).toContainEqual({ subscriptionType: 'contact.creation', active: true });
    expect(subs).toContainEqual({
      subscriptionType: 'contact.propertyChange',
      propertyName: 'hs_lead_status',
      active: true,
    });
    expect(subs).toContainEqual({ subscriptionType: 'deal.propertyChange', propertyName: 'dealstage', active: true });
    expect(subs.some((s) => s.propertyName?.startsWith('baton_'))).toBe(false);

    const again = await baton(['setup', 'hubspot', '--project', project]);
    expect(again.out).toContain(`  = ${join(project, 'hsproject.json')} (unchanged)`);
  });

  it('refuses --project without BATON_PUBLIC_URL', async () => {
    const r = await baton(['setup', 'hubspot', '--project', join(dir, 'nowhere')], { BATON_PUBLIC_URL: '' });
    expect(r.code).toBe(1);
    expect(r.out).toMatch(/--project needs BATON_PUBLIC_URL/);
  });
});

describe('baton doctor with an OAuth access token', () => {
  it('says what kind of token it is, from the OAuth introspection endpoint', async () => {
    const oauth = 'CKDZpunPLhICAQEYs-oauth';
    const hs = createFakeHubSpot({ accessToken: oauth });
    const server = await serveFakeApi(hs);
    try {
      const r = await baton(['doctor'], { HUBSPOT_ACCESS_TOKEN: oauth, HUBSPOT_BASE_URL: server.url });
      expect(r.out).toMatch(/^ok +hubspot\.token: the token works: an OAuth access token/m);
      expect(hs.calls(/^\/oauth\/v1\/access-tokens\//, 'GET')).toHaveLength(1);
    } finally {
      await server.close();
    }
  });
});

describe('baton doctor and the Salesforce API version', () => {
  it('names a version the org does not offer, and the one to set', async () => {
    const r = await baton(['doctor'], { SALESFORCE_API_VERSION: '99.0' });
    expect(r.code).toBe(1);
    expect(r.out).toMatch(
      /^PROBLEM salesforce\.login: .* the org does not offer API v99\.0 \(latest v62\.0\) — fix \(you\): set SALESFORCE_API_VERSION to 62\.0$/m,
    );
  });
});

describe('baton doctor and Redis', () => {
  it('names an unreachable BATON_REDIS_URL', async () => {
    const r = await baton(['doctor'], { BATON_REDIS_URL: 'redis://127.0.0.1:1' });
    expect(r.code).toBe(1);
    expect(r.out).toMatch(
      /^PROBLEM redis: cannot reach Redis redis:\/\/127\.0\.0\.1:1.* — fix \(you\): check BATON_REDIS_URL/m,
    );
  });

  it('says ok when Redis answers', async () => {
    const r = await baton(['doctor'], {
      BATON_REDIS_URL: process.env.BATON_TEST_REDIS_URL ?? 'redis://127.0.0.1:6379',
    });
    expect(r.out).toMatch(/^ok +redis: Redis \S+ answers$/m);
  });
});
