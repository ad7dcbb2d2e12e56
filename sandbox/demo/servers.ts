/**
 * The demo's two CRMs on loopback: a fake HubSpot account and a fake Salesforce org, seeded with
 * the sample world, each served on a free port (or the one asked for). Baton is pointed at their
 * URLs exactly as it would be at the real APIs.
 */
import { randomBytes } from 'node:crypto';
import { BatonError } from '../../src/platform/errors.ts';
import { serveFakeApi } from '../http.ts';
import { createFakeHubSpot, type FakeHubSpot } from '../hubspot/index.ts';
import { createFakeSalesforce, type FakeSalesforce } from '../salesforce/index.ts';
import type { FakeApi, FakeRequest, FakeResponse } from '../types.ts';
import { buildSample, type Sample, type SampleMix } from './sample.ts';
import { sleep } from '../../src/platform/sleep.ts';

export interface SandboxOptions {
  seed?: number;
  /** People in the sample world (default 200). */
  people?: number;
  mix?: SampleMix;
  /** Sees every answered request of either API (after its latency), e.g. to time write-backs. */
  tap?: (crm: 'hubspot' | 'salesforce', req: FakeRequest, res: FakeResponse | null) => void;
  /** Delay before every answer of both APIs, in ms. */
  latencyMs?: number;
  /** HubSpot's rolling window (default 100 per 10 s, as for a private app). */
  hubspotLimit?: { limit: number; windowMs: number };
  hubspotPort?: number;
  salesforcePort?: number;
  /** The org as a revenue team has it before `baton setup`: no Baton fields, no Lead Status `Qualified`. */
  bare?: boolean;
}

/** Where the seeded sample ended up in each CRM. */
export interface SeededIds {
  /** Sample person index → HubSpot contact id. */
  hubspotContact: string[];
  /** Sample person index → Salesforce Lead or Contact id, when the person exists there. */
  salesforcePerson: (string | null)[];
  /** Salesforce user ids of the reps, and of their manager. */
  reps: string[];
  manager: string;
  /** Salesforce Campaign id by campaign name. */
  campaigns: Map<string, string>;
  /** Salesforce Opportunity ids of the sample deals. */
  opportunities: string[];
}

export interface Sandboxes {
  sample: Sample;
  hubspot: FakeHubSpot;
  salesforce: FakeSalesforce;
  hubspotUrl: string;
  salesforceUrl: string;
  /** Credentials Baton uses against the sandboxes. */
  hubspotToken: string;
  salesforceToken: string;
  orgId: string;
  ids: SeededIds;
  /** User id → name, for the narrative. */
  userName(id: unknown): string;
  close(): Promise<void>;
}

/** Wraps a fake API so every answer takes `ms` longer (the fake Salesforce has no latency option). */
export function withLatency(api: FakeApi, ms: number): FakeApi {
  if (!ms) return api;
  return { handle: async (req) => (await sleep(ms), api.handle(req)) };
}

function tapped(api: FakeApi, crm: 'hubspot' | 'salesforce', tap: SandboxOptions['tap']): FakeApi {
  if (!tap) return api;
  return {
    handle: async (req) => {
      const res = await api.handle(req);
      tap(crm, req, res);
      return res;
    },
  };
}

const DAY = 86_400_000;

/** Seeds the fake HubSpot: companies, and every sample person as a contact with a primary company. */
function seedHubSpot(hubspot: FakeHubSpot, sample: Sample, start: number): string[] {
  const companyIds = sample.companies.map((c, i) =>
    hubspot.seed(
      'companies',
      { name: c.name, domain: c.domain, numberofemployees: c.employees, country: c.country, industry: c.industry },
      { at: start - (90 - i) * DAY },
    ),
  );
  return sample.people.map((p, i) => {
    const company = p.company === null ? null : sample.companies[p.company];
    const id = hubspot.seed(
      'contacts',
      {
        email: p.email,
        firstname: p.firstName,
        lastname: p.lastName,
        jobtitle: p.title,
        company: company?.name ?? '',
        country: p.country,
        lifecyclestage: 'lead',
        hs_lead_status: 'NEW',
      },
      { at: start - (60 - (i % 60)) * DAY },
    );
    if (p.company !== null) hubspot.associate('contacts', id, 'companies', companyIds[p.company], { primary: true });
    return id;
  });
}

/** Seeds the fake org: users, campaigns, the people who already exist there, their deals, and a round-robin assignment rule. */
function seedSalesforce(salesforce: FakeSalesforce, sample: Sample, start: number): Omit<SeededIds, 'hubspotContact'> {
  const org = salesforce.org;
  const userId = new Map<string, string>();
  const managerUser = sample.users.find((u) => u.role === 'manager')!;
  const manager = org.addUser({ Username: managerUser.email, Name: managerUser.name, Email: managerUser.email });
  userId.set(managerUser.email, manager);
  const reps = sample.users
    .filter((u) => u.role === 'rep')
    .map((u) => org.addUser({ Username: u.email, Name: u.name, Email: u.email, ManagerId: manager }));
  let next = 0;
  // The org's own active Lead assignment rule: round robin over the reps.
  org.assignmentRule = () => reps[next++ % reps.length];

  // Baton credits won revenue through its own customizable influence model (the default one is locked).
  org.insert('CampaignInfluenceModel', {
    DeveloperName: 'Baton_Attribution',
    MasterLabel: 'Baton attribution',
    IsDefaultModel: false,
    IsActive: true,
    IsModelLocked: false,
  });
  const campaigns = new Map<string, string>();
  for (const c of sample.campaigns)
    campaigns.set(
      c.name,
      org.insert(
        'Campaign',
        {
          Name: c.name,
          Type: c.channel,
          OwnerId: manager,
          ...(c.actualCost !== undefined ? { ActualCost: c.actualCost } : {}),
        },
        { by: manager },
      ).Id,
    );

  const accounts = new Map<number, string>();
  const salesforcePerson = sample.people.map((p, i) => {
    if (!p.inSalesforce) return null;
    const owner = reps[i % reps.length];
    const company = p.company === null ? null : sample.companies[p.company];
    const at = new Date(start - (30 + (i % 20)) * DAY);
    if (p.inSalesforce === 'lead') {
      return org.insert(
        'Lead',
        {
          FirstName: p.firstName,
          LastName: p.lastName,
          Email: p.email,
          Company: company?.name ?? '[not provided]',
          Title: p.title,
          Country: p.country,
          NumberOfEmployees: company?.employees ?? null,
          Status: 'Open - Not Contacted',
          LeadSource: 'Web',
          OwnerId: owner,
        },
        { at, by: owner },
      ).Id;
    }
    // One Account per company, owned by its first contact's rep, so routing's account match finds exactly one.
    const accountId =
      (p.company !== null ? accounts.get(p.company) : undefined) ??
      org.insert(
        'Account',
        {
          Name: company?.name ?? `${p.lastName} Household`,
          Website: company ? `https://www.${company.domain}/` : null,
          NumberOfEmployees: company?.employees ?? null,
          Industry: company?.industry ?? null,
          OwnerId: owner,
        },
        { at, by: owner },
      ).Id;
    if (p.company !== null) accounts.set(p.company, accountId);
    return org.insert(
      'Contact',
      {
        FirstName: p.firstName,
        LastName: p.lastName,
        Email: p.email,
        Title: p.title,
        MailingCountry: p.country,
        AccountId: accountId,
        OwnerId: owner,
      },
      { at, by: owner },
    ).Id;
  });

  const opportunities = sample.deals.map((d, k) => {
    const contactId = salesforcePerson[d.person]!;
    const contact = org.get(contactId)!;
    const at = new Date(start - (10 + k) * DAY);
    const opp = org.insert(
      'Opportunity',
      {
        Name: d.name,
        StageName: d.stage,
        Amount: d.amount,
        CloseDate: new Date(start + 30 * DAY).toISOString().slice(0, 10),
        AccountId: contact.AccountId,
        OwnerId: contact.OwnerId,
        IsWon: false,
        IsClosed: false,
        CampaignId: campaigns.get(sample.campaigns[k % sample.campaigns.length].name),
      },
      { at, by: contact.OwnerId as string },
    );
    org.insert(
      'OpportunityContactRole',
      { OpportunityId: opp.Id, ContactId: contactId, IsPrimary: true, Role: 'Decision Maker' },
      { at, by: contact.OwnerId as string },
    );
    return opp.Id;
  });
  return { salesforcePerson, reps, manager, campaigns, opportunities };
}

/** Starts both sandboxes on loopback, seeded with the sample world for `seed`. */
export async function startSandboxes(options: SandboxOptions = {}): Promise<Sandboxes> {
  const sample = buildSample(options.seed ?? 7, options.people ?? 200, options.mix);
  const start = Date.now();
  const hubspotToken = `pat-demo-${randomBytes(12).toString('hex')}`;
  const hubspot = createFakeHubSpot({
    accessToken: hubspotToken,
    latencyMs: options.latencyMs,
    rateLimit: options.hubspotLimit,
  });
  const salesforce = createFakeSalesforce({ bare: options.bare });
  const hubspotContact = seedHubSpot(hubspot, sample, start);
  const sf = seedSalesforce(salesforce, sample, start);
  const hs = await serveOn(tapped(hubspot, 'hubspot', options.tap), options.hubspotPort);
  let sfServer: Awaited<ReturnType<typeof serveOn>>;
  try {
    sfServer = await serveOn(
      tapped(withLatency(salesforce, options.latencyMs ?? 0), 'salesforce', options.tap),
      options.salesforcePort,
    );
  } catch (err) {
    await hs.close();
    throw err;
  }
  const names = new Map(salesforce.org.rows('User').map((u) => [u.Id, String(u.Name)]));
  return {
    sample,
    hubspot,
    salesforce,
    hubspotUrl: hs.url,
    salesforceUrl: sfServer.url,
    hubspotToken,
    salesforceToken: 'fake-session-token',
    orgId: salesforce.org.orgId,
    ids: { hubspotContact, ...sf },
    userName: (id) => names.get(String(id)) ?? 'an unassigned queue',
    close: async () => {
      await Promise.all([hs.close(), sfServer.close()]);
    },
  };
}

/** Serves on `port`, or on a free port when none is asked for; a taken port is reported plainly. */
async function serveOn(api: FakeApi, port?: number) {
  try {
    return await serveFakeApi(api, port ?? 0);
  } catch (err) {
    if ((err as NodeJS.ErrnoException).code === 'EADDRINUSE')
      throw new BatonError(
        'port_in_use',
        `port ${port} is already in use; pick another or leave it out to use a free one`,
        { cause: err, details: { port } },
      );
    throw err;
  }
}
