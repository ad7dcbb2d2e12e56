/**
 * What the real CRMs push to Baton, delivered the way they deliver it. HubSpot: every change a
 * marketer or visitor makes, and the echo of every change Baton made through the API, batched
 * (≤ 100 events a request), signed with v3, redelivered with a higher `attemptNumber` until a 2xx.
 * Salesforce: an Outbound Message (≤ 100 notifications, one sObject type each) whenever a Lead,
 * Contact or Opportunity changes — by a rep or by Baton itself, as a workflow rule on every edit
 * would — resent until Baton answers with an Ack.
 */
import type { HubSpotWebhookEvent } from '../hubspot/index.ts';
import { outboundMessage, type SRecord } from '../salesforce/index.ts';
import type { Sandboxes } from './servers.ts';

export interface DeliveryOptions {
  /** Baton's base URL, e.g. `http://127.0.0.1:3000`. */
  batonUrl: string;
  /** HubSpot's app secret (`HUBSPOT_CLIENT_SECRET` of serve). */
  clientSecret: string;
  /** How often queued changes are sent (ms, default 250). */
  intervalMs?: number;
  /** Also send Outbound Messages for Baton's own Salesforce writes (default true, as a workflow rule on every edit does). */
  salesforceEchoes?: boolean;
}

export interface DeliveryStats {
  hubspotRequests: number;
  hubspotEvents: number;
  hubspotEchoes: number;
  salesforceMessages: number;
  salesforceNotifications: number;
  /** Deliveries answered with something other than 2xx (or not answered), each retried later. */
  failures: number;
  /** The last failure, for a message when Baton never comes up. */
  lastFailure: string | null;
}

interface Pending<T> {
  items: T[];
  attempt: number;
  dueAt: number;
}

/** Sent with each Outbound Message, per object, as an admin would pick them in Setup. */
const OUTBOUND_FIELDS: Record<string, string[]> = {
  Lead: [
    'Id',
    'Email',
    'Status',
    'OwnerId',
    'IsConverted',
    'Baton_Reject_Reason__c',
    'LastModifiedById',
    'SystemModstamp',
  ],
  Contact: ['Id', 'Email', 'OwnerId', 'AccountId', 'LastModifiedById', 'SystemModstamp'],
  Opportunity: [
    'Id',
    'Name',
    'StageName',
    'Amount',
    'IsWon',
    'IsClosed',
    'CloseDate',
    'OwnerId',
    'LastModifiedById',
    'SystemModstamp',
  ],
};
const WATCHED = Object.keys(OUTBOUND_FIELDS);

/** The delay before redelivery number `attempt` (1, 2, 4 … 30 s), shorter than the CRMs' hours so the demo recovers quickly. */
const backoffMs = (attempt: number) => Math.min(30_000, 1000 * 2 ** Math.max(0, attempt - 1));

/** Delivers CRM pushes to Baton until stopped. */
export class WebhookDelivery {
  readonly stats: DeliveryStats = {
    hubspotRequests: 0,
    hubspotEvents: 0,
    hubspotEchoes: 0,
    salesforceMessages: 0,
    salesforceNotifications: 0,
    failures: 0,
    lastFailure: null,
  };
  private readonly boxes: Sandboxes;
  private readonly options: DeliveryOptions;
  private readonly hubspotQueue: HubSpotWebhookEvent[] = [];
  private readonly hubspotRetry: Pending<HubSpotWebhookEvent>[] = [];
  private readonly salesforceRetry: (Pending<SRecord> & { object: string; notificationIds: string[] })[] = [];
  /** Last seen state of each watched record, to notice every edit (SystemModstamp keeps only seconds). */
  private readonly seen = new Map<string, string>();
  private timer: NodeJS.Timeout | null = null;
  private running: Promise<void> | null = null;
  /** Called with the time each HubSpot event was handed to Baton (first attempt), for the benchmark. */
  onHubSpotSent: ((events: HubSpotWebhookEvent[], at: number) => void) | null = null;

  constructor(boxes: Sandboxes, options: DeliveryOptions) {
    this.boxes = boxes;
    this.options = options;
    // What exists before Baton starts is not a change.
    this.snapshotSalesforce();
  }

  /** Queues HubSpot events (a marketer's or visitor's change) for the next delivery. */
  queueHubSpot(events: HubSpotWebhookEvent[]): void {
    this.hubspotQueue.push(...events);
  }

  start(): void {
    const tick = () => {
      this.running = this.flush().finally(() => {
        this.running = null;
        if (this.timer) this.timer = setTimeout(tick, this.options.intervalMs ?? 250);
      });
    };
    this.timer = setTimeout(tick, 0);
  }

  /** Stops delivering; what is still queued is dropped with the sandboxes. */
  async stop(): Promise<void> {
    if (this.timer) clearTimeout(this.timer);
    this.timer = null;
    await this.running;
  }

  /** Sends everything due now: new HubSpot events and echoes, Salesforce changes, and redeliveries. */
  async flush(): Promise<void> {
    const now = Date.now();
    const echoes = this.boxes.hubspot.takeApiEchoes();
    this.stats.hubspotEchoes += echoes.length;
    const fresh = [...this.hubspotQueue.splice(0), ...echoes];
    const sends: Promise<void>[] = [];
    for (let i = 0; i < fresh.length; i += 100)
      sends.push(this.sendHubSpot({ items: fresh.slice(i, i + 100), attempt: 0, dueAt: now }));
    for (const p of this.takeDue(this.hubspotRetry, now)) sends.push(this.sendHubSpot(p));
    for (const [object, records] of this.salesforceChanges()) {
      for (let i = 0; i < records.length; i += 100)
        sends.push(
          this.sendSalesforce({
            object,
            items: records.slice(i, i + 100),
            attempt: 0,
            dueAt: now,
            notificationIds: [],
          }),
        );
    }
    for (const p of this.takeDue(this.salesforceRetry, now)) sends.push(this.sendSalesforce(p));
    await Promise.all(sends);
  }

  private takeDue<T extends { dueAt: number }>(list: T[], now: number): T[] {
    const due = list.filter((p) => p.dueAt <= now);
    for (const p of due) list.splice(list.indexOf(p), 1);
    return due;
  }

  private async sendHubSpot(p: Pending<HubSpotWebhookEvent>): Promise<void> {
    const url = `${this.options.batonUrl}/webhooks/hubspot`;
    const events = p.items.map((e) => ({ ...e, attemptNumber: p.attempt }));
    const { body, headers } = this.boxes.hubspot.signedWebhook(events, this.options.clientSecret, url);
    if (p.attempt === 0) this.onHubSpotSent?.(events, Date.now());
    const ok = await this.post(url, body, headers);
    this.stats.hubspotRequests++;
    if (ok) this.stats.hubspotEvents += events.length;
    else this.hubspotRetry.push({ ...p, attempt: p.attempt + 1, dueAt: Date.now() + backoffMs(p.attempt + 1) });
  }

  private async sendSalesforce(p: Pending<SRecord> & { object: string; notificationIds: string[] }): Promise<void> {
    const url = `${this.options.batonUrl}/webhooks/salesforce/outbound`;
    const { xml, notificationIds } = outboundMessage(this.boxes.salesforce.org, p.items, {
      fields: OUTBOUND_FIELDS[p.object],
      ...(p.notificationIds.length ? { notificationIds: p.notificationIds } : {}),
    });
    const ok = await this.post(url, xml, { 'content-type': 'text/xml; charset=utf-8', soapaction: '""' }, (text) =>
      /<(\w+:)?Ack>\s*true\s*<\/(\w+:)?Ack>/i.test(text),
    );
    this.stats.salesforceMessages++;
    if (ok) this.stats.salesforceNotifications += p.items.length;
    // Salesforce resends the same notification ids until acknowledged.
    else
      this.salesforceRetry.push({
        ...p,
        notificationIds,
        attempt: p.attempt + 1,
        dueAt: Date.now() + backoffMs(p.attempt + 1),
      });
  }

  private async post(
    url: string,
    body: string,
    headers: Record<string, string>,
    acked?: (text: string) => boolean,
  ): Promise<boolean> {
    try {
      const res = await fetch(url, { method: 'POST', body, headers, signal: AbortSignal.timeout(10_000) });
      const text = await res.text();
      if (res.ok && (!acked || acked(text))) return true;
      this.fail(`${res.status} from ${new URL(url).pathname}: ${text.slice(0, 200)}`);
    } catch (err) {
      this.fail(`${new URL(url).pathname}: ${(err as Error).message}`);
    }
    return false;
  }

  private fail(message: string): void {
    this.stats.failures++;
    this.stats.lastFailure = message;
  }

  private fingerprint(r: SRecord): string {
    return JSON.stringify(r);
  }

  private snapshotSalesforce(): void {
    for (const object of WATCHED)
      for (const r of this.boxes.salesforce.org.rows(object)) this.seen.set(r.Id, this.fingerprint(r));
  }

  /** Records created or edited since the last look, per object. */
  private salesforceChanges(): [string, SRecord[]][] {
    const out: [string, SRecord[]][] = [];
    const integration = this.boxes.salesforce.org.integrationUserId;
    for (const object of WATCHED) {
      const changed: SRecord[] = [];
      for (const r of this.boxes.salesforce.org.rows(object)) {
        const f = this.fingerprint(r);
        if (this.seen.get(r.Id) === f) continue;
        this.seen.set(r.Id, f);
        if (this.options.salesforceEchoes === false && r.LastModifiedById === integration) continue;
        changed.push(r);
      }
      if (changed.length) out.push([object, changed]);
    }
    return out;
  }
}
