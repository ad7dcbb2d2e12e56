/**
 * The people of the demo's story. Visitors fill in forms, click emails and read the pricing page —
 * some of it through HubSpot (a form conversion that HubSpot reports by webhook), some straight to
 * `POST /api/events` as a website would. Reps work the Leads Baton hands them in Salesforce:
 * they accept, reject with one of the agreement's reasons, convert, and win deals.
 */
import type { SRecord } from '../salesforce/index.ts';
import type { BatonApi, DemoEvent } from './baton-api.ts';
import type { WebhookDelivery } from './delivery.ts';
import { seededRandom, type SamplePerson } from './sample.ts';
import type { Sandboxes } from './servers.ts';

export type Say = (text: string) => void;

/** Name, title and company of a sample person, as the narrative shows them (never the email). */
export function describePerson(boxes: Sandboxes, p: SamplePerson): string {
  const c = p.company === null ? null : boxes.sample.companies[p.company];
  const where = c
    ? `, ${c.name}, ${c.employees.toLocaleString('en-US')} employees, ${c.country}`
    : p.email.endsWith('@acme.example')
      ? ', Acme staff'
      : ', on free mail';
  return `${p.firstName} ${p.lastName} (${p.title}${where})`;
}

const isFit = (boxes: Sandboxes, p: SamplePerson) => {
  const c = p.company === null ? null : boxes.sample.companies[p.company];
  return (
    !!c &&
    c.employees >= 200 &&
    ['US', 'CA', 'GB', 'DE'].includes(c.country) &&
    /\b(VP|Director|Head|Chief)\b/i.test(p.title)
  );
};

/** Visitors: one engagement step per `step()`, a scripted opening burst, then a steady mix. */
export class Visitors {
  private readonly boxes: Sandboxes;
  private readonly delivery: WebhookDelivery;
  private readonly api: BatonApi;
  private readonly say: Say;
  private readonly rand: () => number;
  private readonly warm: number[];
  private readonly cold: number[];
  /** People not in Salesforce yet whose company is an Account there (routing's account match). */
  private readonly atAccounts: number[];
  private readonly requested = new Set<number>();
  private steps = 0;
  private seq = 0;
  /** How long after HubSpot's webhook the form handler's event reaches Baton. */
  formDelayMs = 1500;

  constructor(boxes: Sandboxes, delivery: WebhookDelivery, api: BatonApi, say: Say, seed = 11) {
    this.boxes = boxes;
    this.delivery = delivery;
    this.api = api;
    this.say = say;
    this.rand = seededRandom(seed);
    const all = boxes.sample.people.map((p, i) => ({ p, i }));
    // Fit people are warmed up by several touches until fit and engagement together make them MQL.
    this.warm = all.filter(({ p }) => isFit(boxes, p)).map(({ i }) => i);
    this.cold = all.filter(({ p }) => !isFit(boxes, p)).map(({ i }) => i);
    const accountCompanies = new Set(
      boxes.sample.people.filter((p) => p.inSalesforce === 'contact' && p.company !== null).map((p) => p.company),
    );
    this.atAccounts = all.filter(({ p }) => !p.inSalesforce && accountCompanies.has(p.company)).map(({ i }) => i);
  }

  private pick(list: number[]): number {
    return list[Math.floor(this.rand() * list.length)];
  }

  /** The next step of the story. */
  async step(): Promise<void> {
    const n = this.steps++;
    const people = this.boxes.sample.people;
    const dealPeople = this.boxes.sample.deals.map((d) => d.person);
    // The people on the deals already open in Salesforce were touched by campaigns too, so won revenue has touches to credit.
    if ([1, 3, 9, 11].includes(n) && dealPeople.length) {
      const who = dealPeople[Math.floor(n / 8) % dealPeople.length];
      return n % 4 === 1 ? this.webinar(who) : this.eventRegistration(who);
    }
    if ((n === 2 || n === 14) && this.atAccounts.length) return this.demoRequest(this.fresh(this.atAccounts));
    if (n < 10 && n % 2 === 0) return this.demoRequest(this.fresh(this.warm.concat(this.cold.slice(0, 3))));
    if (n === 5) {
      const staff = people.findIndex((p) => p.email.endsWith('@acme.example'));
      if (staff >= 0) return this.demoRequest(staff);
    }
    if (n === 7) {
      const free = people.findIndex((p) => /@(gmail|yahoo|hotmail)\./.test(p.email));
      if (free >= 0) return this.demoRequest(free);
    }
    const r = this.rand();
    if (r < 0.12) return this.demoRequest(this.fresh(this.rand() < 0.7 ? this.warm : this.cold));
    const who = this.rand() < 0.75 ? this.pick(this.warm.slice(0, 24)) : this.pick(this.cold);
    if (r < 0.35) return this.webinar(who);
    if (r < 0.6) return this.emailClick(who);
    if (r < 0.85) return this.pricingView(who);
    return this.eventRegistration(who);
  }

  private fresh(list: number[]): number {
    const open = list.filter((i) => !this.requested.has(i));
    return this.pick(open.length ? open : list);
  }

  /** A demo request through HubSpot: the form conversion lands on the contact, and HubSpot sends the webhook. */
  async demoRequest(i: number): Promise<void> {
    this.requested.add(i);
    const p = this.boxes.sample.people[i];
    const campaign = this.boxes.sample.campaigns.find((c) => c.form === 'demo-request')!;
    const now = Date.now();
    const id = this.boxes.ids.hubspotContact[i];
    this.boxes.hubspot.marketing.submissions.set('demo-request', [
      ...(this.boxes.hubspot.marketing.submissions.get('demo-request') ?? []),
      {
        conversionId: `conv-${now}-${i}`,
        submittedAt: now,
        pageUrl: campaign.url,
        values: [{ name: 'email', value: p.email }],
      },
    ]);
    const events = this.boxes.hubspot.changeAsMarketer(
      'contacts',
      id,
      {
        recent_conversion_event_name: 'demo-request',
        recent_conversion_date: now,
        hs_analytics_last_url: campaign.url,
        hs_analytics_last_timestamp: now,
        hs_latest_source: 'PAID_SEARCH',
        hs_latest_source_data_1: campaign.name,
      },
      { userId: 0, at: now },
    );
    // A visitor's form conversion is not a person in the UI: HubSpot reports it as a FORM change.
    this.delivery.queueHubSpot(events.map((e) => ({ ...e, changeSource: 'FORM', sourceId: undefined })));
    // The site's form handler also posts the submission to Baton, under the id Baton derives from the
    // contact's conversion properties, so the two paths name one event. It arrives a moment after
    // HubSpot's webhook, as a form backend's queue would deliver it.
    const event = {
      id: `hubspot:form:${id}:${now}`,
      email: p.email,
      type: 'form_submission',
      at: new Date(now).toISOString(),
      properties: { form: 'demo-request', campaign: campaign.name, channel: campaign.channel },
    };
    setTimeout(() => void this.api.postEvents([event]), this.formDelayMs);
    this.say(
      `visitor   ${describePerson(this.boxes, p)} requested a demo on the pricing page (campaign "${campaign.name}") — via HubSpot`,
    );
  }

  private async post(i: number, type: string, properties: Record<string, unknown>, what: string): Promise<void> {
    const p = this.boxes.sample.people[i];
    const event: DemoEvent = {
      id: `demo-${Date.now()}-${this.seq++}`,
      email: p.email,
      type,
      at: new Date().toISOString(),
      properties,
    };
    const ok = await this.api.postEvents([event]);
    this.say(`visitor   ${p.firstName} ${p.lastName} ${what}${ok ? '' : ' (Baton did not accept the event)'}`);
  }

  webinar(i: number) {
    return this.post(
      i,
      'form_submission',
      { form: 'webinar-signup', campaign: 'Q4 Webinar: Revenue Ops', channel: 'webinar' },
      'signed up for the "Q4 Webinar: Revenue Ops"',
    );
  }
  eventRegistration(i: number) {
    return this.post(
      i,
      'form_submission',
      { form: 'event-registration', campaign: 'Autumn Data Summit', channel: 'event' },
      'registered for the "Autumn Data Summit"',
    );
  }
  emailClick(i: number) {
    return this.post(
      i,
      'email_click',
      { campaign: 'November Newsletter', channel: 'email', email_name: 'November Newsletter' },
      'clicked a link in the "November Newsletter"',
    );
  }
  pricingView(i: number) {
    return this.post(
      i,
      'page_view',
      { url: 'https://www.acme.example/pricing', campaign: 'Pricing Ads', channel: 'paid_search' },
      'viewed the pricing page',
    );
  }
}

type Decision = 'accept' | 'reject' | 'convert';

interface Plan {
  decision: Decision;
  dueAt: number;
  /** After a conversion: when the opportunity is won. */
  winAt?: number;
  opportunityId?: string | null;
  done?: boolean;
}

/** Reps: each MQL Lead Baton marks in Salesforce gets its owner's answer a few seconds later. */
export class Reps {
  private readonly boxes: Sandboxes;
  private readonly say: Say;
  private readonly rand: () => number;
  private readonly reasons: string[];
  private readonly plans = new Map<string, Plan>();
  private seededWins = 0;
  private readonly startedAt = Date.now();
  /** Seconds before a rep answers (min, max). */
  private readonly delayS: [number, number];
  /** A rep who answers nothing (away today): her people are reminded, breach and are reassigned. */
  readonly away: string | null;

  constructor(
    boxes: Sandboxes,
    say: Say,
    reasons: string[],
    options: { seed?: number; delayS?: [number, number]; away?: string | null } = {},
  ) {
    this.boxes = boxes;
    this.say = say;
    this.reasons = reasons.length ? reasons : ['no_budget'];
    this.rand = seededRandom(options.seed ?? 23);
    this.delayS = options.delayS ?? [4, 10];
    this.away = options.away ?? null;
  }

  private owner(rec: SRecord): string {
    const id = String(rec.OwnerId ?? '');
    return this.boxes.ids.reps.includes(id) ? id : this.boxes.ids.reps[0];
  }

  private nameOf(rec: SRecord): string {
    return `${String(rec.FirstName ?? '')} ${String(rec.LastName ?? '')}`.trim();
  }

  /** Looks at Salesforce and acts on whatever is due. */
  step(now = Date.now()): void {
    const org = this.boxes.salesforce.org;
    for (const lead of org.rows('Lead')) {
      if (lead.IsConverted || lead.Baton_Stage__c !== 'mql' || this.plans.has(lead.Id) || lead.OwnerId === this.away)
        continue;
      const r = this.rand();
      const decision: Decision = r < 0.35 ? 'accept' : r < 0.65 ? 'reject' : 'convert';
      const [min, max] = this.delayS;
      this.plans.set(lead.Id, { decision, dueAt: now + (min + this.rand() * (max - min)) * 1000 });
    }
    for (const [leadId, plan] of this.plans) {
      if (!plan.done && plan.dueAt <= now) this.decide(leadId, plan);
      else if (plan.winAt && plan.winAt <= now && plan.opportunityId) this.win(plan.opportunityId, plan);
    }
    this.winSeededDeal(now);
  }

  private decide(leadId: string, plan: Plan): void {
    const org = this.boxes.salesforce.org;
    const lead = org.get(leadId);
    plan.done = true;
    if (!lead || lead.IsConverted) return;
    const rep = this.owner(lead);
    const who = this.nameOf(lead);
    if (plan.decision === 'reject') {
      const reason = this.reasons[Math.floor(this.rand() * this.reasons.length)];
      org.touch(leadId, { Status: 'Closed - Not Converted', Baton_Reject_Reason__c: reason }, rep);
      this.say(`rep       ${this.boxes.userName(rep)} rejected ${who} in Salesforce: ${reason}`);
      return;
    }
    org.touch(leadId, { Status: 'Working - Contacted' }, rep);
    this.say(`rep       ${this.boxes.userName(rep)} accepted ${who} in Salesforce (Status: Working - Contacted)`);
    if (plan.decision === 'convert') {
      const amount = Math.round((8_000 + this.rand() * 90_000) * 100) / 100;
      const converted = org.convertLead(leadId, {
        by: rep,
        opportunity: { Name: `${String(lead.Company)} — Platform`, Amount: amount, StageName: 'Qualification' },
      });
      plan.opportunityId = converted.opportunityId;
      plan.winAt = Date.now() + (6 + this.rand() * 8) * 1000;
      this.say(
        `rep       ${this.boxes.userName(rep)} converted ${who}: a Contact, an Account and an Opportunity of ${amount.toLocaleString('en-US', { style: 'currency', currency: 'USD' })}`,
      );
    }
  }

  private win(opportunityId: string, plan: Plan): void {
    plan.winAt = undefined;
    const org = this.boxes.salesforce.org;
    const opp = org.get(opportunityId);
    if (!opp || opp.IsWon) return;
    const rep = String(opp.OwnerId);
    org.touch(
      opportunityId,
      { StageName: 'Closed Won', IsWon: true, IsClosed: true, CloseDate: new Date().toISOString().slice(0, 10) },
      rep,
    );
    this.say(
      `rep       ${this.boxes.userName(rep)} won "${String(opp.Name)}" (${Number(opp.Amount).toLocaleString('en-US', { style: 'currency', currency: 'USD' })})`,
    );
  }

  /** Halfway through the first minute, one of the deals already in Salesforce closes. */
  private winSeededDeal(now: number): void {
    if (this.seededWins >= this.boxes.ids.opportunities.length || now - this.startedAt < 35_000 * (this.seededWins + 1))
      return;
    const id = this.boxes.ids.opportunities[this.seededWins++];
    this.win(id, { decision: 'convert', dueAt: 0 });
  }
}
