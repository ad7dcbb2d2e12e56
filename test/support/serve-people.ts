/**
 * People sent to a running `baton serve` (see serve-child.ts) by the tests that break the parts
 * around it: a HubSpot contact change and a demo request per person, and the check that every
 * acknowledged person was handed off exactly once.
 */
import { expect } from 'vitest';
import type { FakeHubSpot } from '../../sandbox/hubspot/index.ts';
import type { FakeSalesforce } from '../../sandbox/salesforce/index.ts';

export interface ServePeopleOptions {
  /** serve's base URL, read at each call (the port is known only once serve runs). */
  base: () => string;
  token: string;
  hubspotSecret: string;
  hubspot: FakeHubSpot;
  /** Each test's own: people are `pia<n>@<domain>`, events `evt-<domain>-<n>`. */
  domain: string;
}

export interface ServePeople {
  email(n: number): string;
  /** Person n as a new HubSpot contact changed by a marketer, delivered as HubSpot's signed webhook. */
  contactChange(n: number): Promise<Response>;
  /** Person n's demo request through `POST /api/events`. */
  demo(n: number): Promise<Response>;
  /** Both for person n: true when both were acknowledged, else every refusal must be a 503. */
  deliver(n: number): Promise<boolean>;
  /** Each acknowledged person has one Lead, each Lead one Task, no Lead twice. */
  expectHandedOffOnce(acknowledged: number[], salesforce: FakeSalesforce): void;
}

/** The people helpers for one test's serve. */
export function servePeople(o: ServePeopleOptions): ServePeople {
  const email = (n: number) => `pia${n}@${o.domain}`;
  const contactChange = (n: number) => {
    const id = o.hubspot.seed('contacts', {
      email: email(n),
      firstname: 'Pia',
      lastname: `Restart${n}`,
      jobtitle: 'VP Sales',
    });
    const url = `${o.base()}/webhooks/hubspot`;
    const signed = o.hubspot.signedWebhook(
      o.hubspot.changeAsMarketer('contacts', id, { country: 'US' }),
      o.hubspotSecret,
      url,
    );
    return fetch(url, { method: 'POST', headers: signed.headers, body: signed.body });
  };
  const demo = (n: number) =>
    fetch(`${o.base()}/api/events`, {
      method: 'POST',
      headers: { authorization: `Bearer ${o.token}`, 'content-type': 'application/json' },
      body: JSON.stringify({
        id: `evt-${o.domain}-${n}`,
        email: email(n),
        type: 'form_submission',
        at: new Date().toISOString(),
        properties: { form: 'demo-request' },
      }),
    });
  return {
    email,
    contactChange,
    demo,
    async deliver(n) {
      const change = await contactChange(n);
      const event = await demo(n);
      if (change.status === 200 && event.status === 202) return true;
      for (const r of [change, event]) if (r.status !== 200 && r.status !== 202) expect(r.status).toBe(503);
      return false;
    },
    expectHandedOffOnce(acknowledged, salesforce) {
      const leads = salesforce.org.rows('Lead').map((l) => String(l.Email).toLowerCase());
      for (const n of acknowledged) expect(leads.filter((e) => e === email(n))).toHaveLength(1);
      expect(leads).toHaveLength(new Set(leads).size);
      expect(salesforce.org.rows('Task')).toHaveLength(leads.length);
    },
  };
}
