/** Seeds a store with a month of handoffs, an older one, deals and attribution results, relative to `now`. */
import type { AttributionRow, Store, TransitionRow } from '../../../src/store/types.ts';
import { kv, setKv } from '../../../src/store/keys.ts';
import type { AgreementInfo, HealthInfo } from '../../../src/server/dashboard/types.ts';

export const TOKEN = 'test-token-7f3a9c1e5b';

export const agreementInfo: AgreementInfo = {
  name: 'Acme lead handoff',
  version: 7,
  owners: {
    marketing: { name: 'Dana Lee', email: 'dana@acme.example', approved: '2026-11-01' },
    sales: { name: 'Raj Patel', email: 'raj@acme.example', approved: '2026-11-03' },
  },
  liveAt: '2026-11-03T10:00:00.000Z',
  draft: { version: 8, missing: ['sales'] },
  restart: ['added hubspot contact property industry (person.industry)'],
};

/** What the health panel must show after `seedStore` (the inbox lag grows with the clock). */
export const seededHealth: Omit<HealthInfo, 'inboxLagMs'> = {
  inboxPending: 4,
  outboxPending: 7,
  deadLetters: 2,
  connectors: { hubspot: true, salesforce: false },
};

const DAY = 86_400_000;
const HOUR = 3_600_000;

interface PersonSeed {
  email: string;
  owner: string | null;
  title: string;
  /** Steps: [daysAgo, to, extra]. */
  steps: [number, TransitionRow['to'], Partial<TransitionRow>?][];
}

const PEOPLE: PersonSeed[] = [
  {
    email: 'ana@corp.example',
    owner: '005Rep1',
    title: 'VP Operations',
    steps: [
      [20, 'mql', { cause: 'rule:demo-request' }],
      [19.9, 'sal', { cause: 'feedback' }],
      [15, 'sql', { cause: 'rule:sql' }],
      [12, 'opportunity', { cause: 'crm:deal.stage' }],
      [3, 'won', { cause: 'crm:deal.stage' }],
    ],
  },
  {
    email: 'ben@bigco.example',
    owner: '005Rep1',
    title: 'Director IT',
    steps: [
      [18, 'mql'],
      [17.8, 'sal', { cause: 'feedback' }],
      [10, 'sql', { cause: 'rule:sql' }],
      [8, 'opportunity', { cause: 'crm:deal.stage' }],
    ],
  },
  {
    email: 'cara@shop.example',
    owner: '005Rep2',
    title: 'Head of Growth',
    steps: [
      [14, 'mql', { cause: 'rule:demo-request' }],
      [13.5, 'recycled', { cause: 'feedback', reason: 'no_budget' }],
    ],
  },
  {
    email: 'dev@startup.example',
    owner: '005Rep2',
    title: 'CTO',
    steps: [
      [12, 'mql'],
      [11, 'mql', { cause: 'sla', breached: true }],
      [10, 'recycled', { cause: 'feedback', reason: 'bad_timing' }],
    ],
  },
  {
    email: 'eli@retail.example',
    owner: '005Rep3',
    title: 'Buyer',
    steps: [
      [9, 'mql'],
      [8, 'mql', { cause: 'sla', breached: true }],
    ],
  },
  {
    email: 'fay@media.example',
    owner: '005Rep3',
    title: 'Chief Marketing Officer',
    steps: [
      [6, 'mql', { cause: 'rule:demo-request' }],
      [5.8, 'recycled', { cause: 'feedback', reason: 'no_budget' }],
    ],
  },
  { email: 'gus@bank.example', owner: '005Rep1', title: 'VP Finance', steps: [[4, 'mql']] },
  { email: 'hana@labs.example', owner: null, title: 'Researcher', steps: [[2, 'mql', { cause: 'rule:demo-request' }]] },
  {
    email: 'ivan@acme.example',
    owner: null,
    title: 'Engineer',
    steps: [[7, 'disqualified', { cause: 'rule:employee' }]],
  },
  // recycled long ago, qualified again this month
  {
    email: 'jo@travel.example',
    owner: '005Rep2',
    title: 'Head of Sales',
    steps: [
      [75, 'mql'],
      [74, 'recycled', { cause: 'feedback', reason: 'wrong_contact' }],
      [5, 'mql', { cause: 'rule:demo-request' }],
      [4.5, 'sal', { cause: 'feedback' }],
    ],
  },
  // only old history: the default 30 days do not see it, 90 days do
  {
    email: 'kim@old.example',
    owner: '005Rep3',
    title: 'Director',
    steps: [
      [60, 'mql'],
      [59, 'sal', { cause: 'feedback' }],
      [50, 'sql', { cause: 'rule:sql' }],
      [45, 'opportunity', { cause: 'crm:deal.stage' }],
      [40, 'won', { cause: 'crm:deal.stage' }],
    ],
  },
  {
    email: 'lou@old.example',
    owner: '005Rep1',
    title: 'Manager',
    steps: [
      [55, 'mql'],
      [54, 'mql', { cause: 'sla', breached: true }],
      [53, 'recycled', { cause: 'feedback', reason: 'no_response' }],
    ],
  },
];

const MODELS = [
  'first_touch',
  'last_touch',
  'linear',
  'u_shaped',
  'w_shaped',
  'full_path',
  'time_decay',
  'custom',
] as const;

/** Per-model campaign splits of a deal's cents, so switching the model visibly changes the numbers. */
function shares(
  model: string,
  cents: number,
  touches: { id: string; campaign: string | null; channel: string | null }[],
): AttributionRow['shares'] {
  const weights = touches.map((_, i) => {
    if (model === 'first_touch') return i === 0 ? 1 : 0;
    if (model === 'last_touch') return i === touches.length - 1 ? 1 : 0;
    if (model === 'linear' || model === 'custom') return 1;
    if (model === 'time_decay') return 2 ** i;
    return i === 0 || i === touches.length - 1 ? 3 : 1;
  });
  const sum = weights.reduce((a, b) => a + b, 0);
  const out = touches.map((t, i) => ({
    eventId: t.id,
    campaign: t.campaign,
    channel: t.channel,
    cents: Math.floor((cents * weights[i]) / sum),
  }));
  const rest = cents - out.reduce((a, s) => a + s.cents, 0);
  const largest = out.reduce((best, s, i) => (s.cents > out[best].cents ? i : best), 0);
  out[largest].cents += rest;
  return out.filter((s) => s.cents > 0);
}

/** Fills `store`; returns the ids of the people by email. */
export async function seedStore(store: Store, now: number): Promise<Map<string, number>> {
  const ids = new Map<string, number>();
  const at = (daysAgo: number) => new Date(now - daysAgo * DAY).toISOString();
  for (const [i, p] of PEOPLE.entries()) {
    const last = p.steps[p.steps.length - 1];
    const person = await store.createPerson({
      email: p.email,
      hubspotId: String(5100 + i),
      salesforceId: p.owner ? `00Q5g0000${String(i).padStart(6, '0')}AAA` : null,
      salesforceObject: p.owner ? 'Lead' : null,
      fields: { title: p.title, employees: 150 + i * 50, country: i % 2 ? 'US' : 'FR' },
      stage: last[1],
      state: { stage: last[1], entered: Object.fromEntries(p.steps.map(([d, to]) => [to, at(d)])) },
      scores: { fit: 45, engagement: 31.5 },
      ownerId: p.owner,
    });
    ids.set(p.email, person.id);
    let from: TransitionRow['to'] | null = null;
    const rows: Omit<TransitionRow, 'id'>[] = [];
    for (const [daysAgo, to, extra] of p.steps) {
      const meta: Record<string, unknown> =
        to === 'mql' && !extra?.breached
          ? { handedAt: new Date(now - daysAgo * DAY + 0.2 * HOUR).toISOString(), owner: p.owner }
          : {};
      if (extra?.breached) meta.owner = p.owner;
      rows.push({
        personId: person.id,
        from,
        to,
        at: at(daysAgo),
        cause: 'rule:mql',
        version: 7,
        scores: { fit: 45, engagement: 31.5 },
        passed: [],
        breached: false,
        reason: null,
        ...extra,
        meta: { ...meta, ...(extra?.meta ?? {}) },
      });
      if (!extra?.breached) from = to;
    }
    await store.appendTransitions(rows);
  }

  const deals = [
    {
      key: 'salesforce:006A',
      name: 'Corp platform',
      daysAgo: 3,
      cents: 4_825_038,
      people: ['ana@corp.example'],
      touches: [
        { daysAgo: 25, campaign: 'Autumn Data Summit', channel: 'webinar' },
        { daysAgo: 16, campaign: 'Pricing Ads', channel: 'paid_search' },
        { daysAgo: 14, campaign: null, channel: 'organic' },
      ],
    },
    {
      key: 'hubspot:9001',
      name: 'BigCo expansion',
      daysAgo: 10,
      cents: 1_200_000,
      people: ['ben@bigco.example'],
      touches: [
        { daysAgo: 19, campaign: 'Pricing Ads', channel: 'paid_search' },
        { daysAgo: 18.5, campaign: 'Q4 Newsletter', channel: 'email' },
      ],
    },
    {
      key: 'salesforce:006B',
      name: 'Old renewal',
      daysAgo: 40,
      cents: 990_000,
      people: ['kim@old.example'],
      touches: [{ daysAgo: 61, campaign: 'Spring Webinar', channel: 'webinar' }],
    },
    {
      key: 'salesforce:006C',
      name: 'Bank pilot',
      daysAgo: 8,
      cents: 350_000,
      people: ['gus@bank.example'],
      touches: [],
    },
  ];
  for (const d of deals) {
    const closeDate = at(d.daysAgo);
    const personId = ids.get(d.people[0])!;
    const touches = d.touches.map((t, i) => ({ id: `${d.key}-touch-${i}`, ...t }));
    await store.insertEvents(
      touches.map((t) => ({
        id: t.id,
        personId,
        type: 'form_submission',
        at: at(t.daysAgo),
        properties: { form: 'event', campaign: t.campaign, channel: t.channel },
        campaign: t.campaign,
        channel: t.channel,
      })),
    );
    const [crm, crmId] = d.key.split(':');
    await store.upsertDeal({
      key: d.key,
      hubspotId: crm === 'hubspot' ? crmId : null,
      salesforceId: crm === 'salesforce' ? crmId : null,
      fields: { name: d.name, stage: 'won', amount: d.cents / 100, close_date: closeDate.slice(0, 10) },
      personIds: d.people.map((e) => ids.get(e)!),
      createdAt: at(d.daysAgo + 10),
      updatedAt: closeDate,
    });
    await store.replaceAttribution(
      d.key,
      MODELS.map((model) => ({
        dealKey: d.key,
        model,
        amountCents: d.cents,
        closeDate,
        shares: touches.length ? shares(model, d.cents, touches) : [],
        computedAt: closeDate,
      })),
    );
  }

  // ROI: the Campaign costs serve last read from Salesforce (the shipped agreement adds Handoff Guide, organic_search)
  await setKv(store, kv.campaignCosts(), {
    at: new Date(now).toISOString(),
    costs: { 'Autumn Data Summit': 18000, 'Pricing Ads': 12000, 'Q4 Newsletter': 800 },
  });

  // health: 4 changes waiting in the inbox, 7 write-backs pending, 2 that failed for good
  for (let i = 0; i < 4; i++)
    await store.inboxInsert({ source: 'api', dedupKey: `seed-${i}`, body: { n: i }, receivedAt: at(0.001 * (i + 1)) });
  for (let i = 0; i < 9; i++) {
    await store.outboxPut({
      crm: 'hubspot',
      key: `hubspot:contact:${5100 + i}`,
      personId: null,
      payload: { baton_stage: 'mql' },
      hash: `h${i}`,
      idempotencyKey: `seed-${i}`,
    });
  }
  const claimed = await store.outboxClaim('hubspot', 'seed', 2, 60_000, new Date(now + DAY).toISOString());
  for (const row of claimed) await store.outboxDead(row.id, 'PROPERTY_DOESNT_EXIST: baton_stage');
  return ids;
}
