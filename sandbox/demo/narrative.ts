/**
 * The demo's commentary: what Baton did, in plain words, read back from the sandboxes' state
 * (Leads, Tasks and fields in Salesforce; contact properties in HubSpot) and from Baton's own API
 * (why someone became MQL; the funnel; revenue credited to campaigns).
 */
import type { BatonApi } from './baton-api.ts';
import type { Say } from './actors.ts';
import type { Sandboxes } from './servers.ts';

export interface Effects {
  /** Emails that reached MQL (seen in HubSpot or Salesforce). */
  mql: Set<string>;
  leadsCreated: number;
  /** Contacts Baton created on an existing Account (routing's account match). */
  contactsCreated: number;
  tasks: number;
  reminders: number;
  reassigned: number;
  /** HubSpot contacts showing a rep's answer (baton_stage sal/recycled or a reject reason). */
  feedbackInHubSpot: number;
  wonDeals: number;
}

const money = (n: unknown) => Number(n ?? 0).toLocaleString('en-US', { style: 'currency', currency: 'USD' });

/** A median in `unit` seconds (60 for minutes, 3600 for hours) in words: seconds under a minute. */
function span(value: number | null | undefined, unit: number): string {
  if (value == null) return 'n/a';
  const s = value * unit;
  return s < 1
    ? 'under 1 s'
    : s < 60
      ? `${Math.round(s)} s`
      : s < 3600
        ? `${Math.round(s / 6) / 10} min`
        : `${Math.round(s / 360) / 10} h`;
}

/** Watches both sandboxes and Baton, and says what changed since the last look. */
export class Narrative {
  readonly effects: Effects = {
    mql: new Set(),
    leadsCreated: 0,
    contactsCreated: 0,
    tasks: 0,
    reminders: 0,
    reassigned: 0,
    feedbackInHubSpot: 0,
    wonDeals: 0,
  };
  private readonly boxes: Sandboxes;
  private readonly api: BatonApi;
  private readonly say: Say;
  private readonly seenTasks = new Set<string>();
  private readonly seenLeads = new Set<string>();
  private readonly sfStage = new Map<string, string>();
  private readonly hsStage = new Map<string, string>();
  private readonly explained = new Set<string>();
  private readonly wonSeen = new Set<string>();
  private readonly feedback = new Set<string>();
  private readonly seenContacts = new Set<string>();
  private readonly reminded = new Set<string>();
  /** Records Baton just created, waiting for Baton to say who got them and why. */
  private readonly toRoute: { obj: 'Lead' | 'Contact'; id: string; email: string }[] = [];
  private attributionDue: number | null = null;
  private lastRevenue = 0;

  constructor(boxes: Sandboxes, api: BatonApi, say: Say) {
    this.boxes = boxes;
    this.api = api;
    this.say = say;
    for (const t of boxes.salesforce.org.rows('Task')) this.seenTasks.add(t.Id);
    for (const l of boxes.salesforce.org.rows('Lead')) this.seenLeads.add(l.Id);
    for (const c of boxes.salesforce.org.rows('Contact')) this.seenContacts.add(c.Id);
  }

  /** One look at everything; prints what is new. */
  async step(): Promise<void> {
    this.created();
    await this.routing();
    this.salesforce();
    this.hubspot();
    await this.explain();
    await this.attribution();
  }

  /** Leads and Contacts Baton created since the last look. */
  private created(): void {
    const org = this.boxes.salesforce.org;
    const integration = org.integrationUserId;
    for (const [obj, seen] of [
      ['Lead', this.seenLeads],
      ['Contact', this.seenContacts],
    ] as const) {
      for (const r of org.rows(obj)) {
        if (seen.has(r.Id) || r.CreatedById !== integration) continue;
        seen.add(r.Id);
        if (obj === 'Lead') this.effects.leadsCreated++;
        else this.effects.contactsCreated++;
        this.toRoute.push({ obj, id: r.Id, email: String(r.Email ?? '').toLowerCase() });
      }
    }
  }

  private salesforce(): void {
    const org = this.boxes.salesforce.org;
    for (const obj of ['Lead', 'Contact']) {
      for (const r of org.rows(obj)) {
        const stage = r.Baton_Stage__c as string | null;
        if (!stage || this.sfStage.get(r.Id) === stage) continue;
        const first = !this.sfStage.has(r.Id);
        this.sfStage.set(r.Id, stage);
        // Baton stamping its first scores on people it just learned of is not news.
        if (first && stage === 'lead') continue;
        if (stage === 'mql') this.effects.mql.add(String(r.Email).toLowerCase());
        const due = r.Baton_SLA_Due__c
          ? `, SLA due ${String(r.Baton_SLA_Due__c).replace('T', ' ').slice(0, 16)} UTC`
          : '';
        this.say(
          `baton  →  Salesforce: ${obj} ${r.FirstName} ${r.LastName} shows stage ${stage}, fit ${r.Baton_Fit_Score__c ?? '–'}, engagement ${r.Baton_Engagement_Score__c ?? '–'}${stage === 'mql' ? due : ''}`,
        );
      }
    }
    for (const t of org.rows('Task')) {
      const who = org.get(String(t.WhoId));
      const name = who ? `${who.FirstName} ${who.LastName}` : 'someone';
      if (!this.reminded.has(t.Id) && /Reminder:/.test(String(t.Description ?? ''))) {
        this.reminded.add(t.Id);
        this.effects.reminders++;
        this.say(
          `SLA       reminder to ${this.boxes.userName(t.OwnerId)} on the Task for ${name}: the deadline is near and nobody answered yet`,
        );
      }
      if (this.seenTasks.has(t.Id)) continue;
      this.seenTasks.add(t.Id);
      this.effects.tasks++;
      if (String(t.Subject).startsWith('Reassigned to you')) {
        this.effects.reassigned++;
        const old = org
          .rows('Task')
          .find((x) => x.WhoId === t.WhoId && x.Id !== t.Id && String(x.Subject).startsWith('New MQL'));
        this.say(
          `SLA       breached: ${name} was not answered in time${old ? ` by ${this.boxes.userName(old.OwnerId)}` : ''}; Baton reassigned them to ${this.boxes.userName(t.OwnerId)} with a new Task and a fresh deadline (the breach counts against the first owner)`,
        );
        continue;
      }
      this.say(
        `baton  →  Salesforce: Task "${t.Subject}" for ${this.boxes.userName(t.OwnerId)}, due ${t.ActivityDate ?? '(no date)'}`,
      );
    }
    for (const o of org.rows('Opportunity')) {
      if (!o.IsWon || this.wonSeen.has(o.Id)) continue;
      this.wonSeen.add(o.Id);
      this.effects.wonDeals++;
      this.attributionDue = Date.now() + 4000;
    }
  }

  private hubspot(): void {
    for (const c of this.boxes.hubspot.data.records.contacts.values()) {
      const stage = c.properties.baton_stage;
      if (!stage || this.hsStage.get(c.id) === stage) continue;
      const first = !this.hsStage.has(c.id);
      this.hsStage.set(c.id, stage);
      const email = String(c.properties.email ?? '').toLowerCase();
      if (stage === 'mql') this.effects.mql.add(email);
      const reason = c.properties.baton_reject_reason;
      if (['sal', 'sql', 'recycled', 'opportunity', 'won'].includes(stage) || reason) {
        if (!this.feedback.has(c.id)) this.effects.feedbackInHubSpot++;
        this.feedback.add(c.id);
      }
      // Leads that merely got their first scores are not news; stage moves are.
      if (first && stage === 'lead') continue;
      const why =
        stage === 'recycled' && reason ? ` — the rep's reason "${reason}" is on the contact for marketing` : '';
      this.say(
        `baton  →  HubSpot: ${c.properties.firstname} ${c.properties.lastname} is now ${stage} (lifecycle stage ${c.properties.lifecyclestage ?? 'cleared'})${why}`,
      );
    }
  }

  /** Asks Baton who got each record it created, and why (`routing.reason` of `/api/people/:key`). */
  private async routing(): Promise<void> {
    const org = this.boxes.salesforce.org;
    for (const r of this.toRoute.splice(0)) {
      const rec = org.get(r.id);
      if (!rec) continue;
      const view = r.email ? await this.api.person(r.email) : null;
      const owner = this.boxes.userName(rec.OwnerId);
      const where =
        r.obj === 'Contact'
          ? ` on the Account ${org.get(String(rec.AccountId))?.Name ?? '(none)'}`
          : ` (${rec.Company})`;
      const why = view?.routing?.reason ? `routing: ${view.routing.reason}` : "the org's assignment rule";
      this.say(`baton  →  Salesforce: new ${r.obj} ${rec.FirstName} ${rec.LastName}${where} for ${owner} — ${why}`);
    }
  }

  /** Asks Baton why each new MQL qualified. */
  private async explain(): Promise<void> {
    for (const email of this.effects.mql) {
      if (this.explained.has(email)) continue;
      this.explained.add(email);
      const view = await this.api.person(email);
      if (!view) continue;
      const t = [...(view.transitions ?? [])].reverse().find((x) => x.to === 'mql' || x.to === 'disqualified');
      // The explanation quotes the email for the free-mail rule; the narrative keeps only its domain.
      const lines = (view.explanation ?? [])
        .slice(0, 4)
        .join('; ')
        .replace(/[^\s"(]+@([\w.-]+)/g, '…@$1');
      const sla = view.sla?.due ? ` SLA: sales must answer by ${view.sla.due.replace('T', ' ').slice(0, 16)} UTC.` : '';
      const p = this.boxes.sample.people.find((x) => x.email.toLowerCase() === email);
      this.say(
        `why       ${p ? `${p.firstName} ${p.lastName}` : 'a person'} is ${view.stage}: ${t?.cause ?? 'see /api/people'} (agreement v${t?.version ?? '?'})${lines ? ` — ${lines}` : ''}.${sla}`,
      );
    }
  }

  private async attribution(): Promise<void> {
    if (this.attributionDue === null || Date.now() < this.attributionDue) return;
    this.attributionDue = null;
    const a = await this.api.attribution();
    if (!a || Number(a.revenue ?? 0) === this.lastRevenue) return;
    this.lastRevenue = Number(a.revenue ?? 0);
    const byCampaign = Object.entries((a.by_campaign ?? {}) as Record<string, number>)
      .sort((x, y) => y[1] - x[1])
      .map(([k, v]) => `${k} ${money(v)}`)
      .join(', ');
    this.say(
      `revenue   ${a.deals} won deal(s), ${money(a.revenue)} credited (${a.model}): ${byCampaign || 'no touches yet'}`,
    );
  }

  /** One line from `GET /api/funnel`. */
  async funnelLine(): Promise<void> {
    const f = await this.api.funnel();
    if (!f) return;
    const entered = Object.entries((f.entered ?? {}) as Record<string, number>)
      .filter(([, n]) => n > 0)
      .map(([k, n]) => `${k} ${n}`)
      .join(', ');
    const reasons = Object.entries((f.reject_reasons ?? {}) as Record<string, number>)
      .map(([k, n]) => `${k} ${n}`)
      .join(', ');
    this.say(
      `funnel    entered: ${entered || 'nothing yet'}${reasons ? `; reject reasons: ${reasons}` : ''}; SLA open ${f.sla?.open ?? 0}, answered in time ${f.sla?.answered_in_time ?? 0}, breached ${f.sla?.breached ?? 0}`,
    );
    const d = f.sla_detail as
      | {
          median_baton_delay_minutes?: number | null;
          median_rep_delay_hours?: number | null;
          share_in_time?: number | null;
        }
      | undefined;
    if (d && (d.median_baton_delay_minutes != null || d.median_rep_delay_hours != null)) {
      const share = d.share_in_time == null ? '' : `; ${Math.round(d.share_in_time * 100)}% answered in time`;
      this.say(
        `          time to answer (median): Baton's share ${span(d.median_baton_delay_minutes, 60)} (the change → the Task in Salesforce), the rep's ${span(d.median_rep_delay_hours, 3600)} (the Task → the answer)${share}`,
      );
    }
  }
}
