/** A small stored history for the outcome report's store, CLI, API and browser tests. */
import type { Stage } from '../../src/config/schema.ts';
import type { Store, TransitionRow } from '../../src/store/index.ts';

export const DAY = 86_400_000;
export const T0 = Date.parse('2026-09-01T10:00:00.000Z');
const at = (days: number) => new Date(T0 + days * DAY).toISOString();

function move(
  personId: number,
  from: Stage | null,
  to: Stage,
  days: number,
  cause: string,
  scores: { fit: number; engagement: number },
  version = 7,
  passed: Stage[] = [],
): Omit<TransitionRow, 'id'> {
  return { personId, from, to, at: at(days), cause, version, scores, passed, breached: false, reason: null, meta: {} };
}

/**
 * ana (v7, demo request, accepted, won 5000 ten days after the handoff), bo (v7, rule:mql, rejected
 * no_budget), cy (never handed over, reached a deal: a missed buyer), dee (never moved), eve (v6 handoff).
 */
export async function seedOutcomes(s: Store): Promise<Record<'ana' | 'bo' | 'cy' | 'dee' | 'eve', number>> {
  const person = async (
    email: string,
    fields: Record<string, unknown>,
    stage: Stage,
    fit: number,
    engagement: number,
  ) => (await s.createPerson({ email, fields, stage, scores: { fit, engagement } })).id;
  const ana = await person('ana@corp.example', { employees: 850, title: 'VP Operations' }, 'won', 45, 50);
  const bo = await person('bo@corp.example', { employees: 300, title: 'Engineer' }, 'recycled', 60, 35);
  const cy = await person('cy@corp.example', { employees: 20, title: 'Engineer' }, 'opportunity', 10, 5);
  const dee = await person('dee@corp.example', { employees: 20 }, 'lead', 20, 0);
  const eve = await person('eve@corp.example', { employees: 900 }, 'mql', 70, 40);
  const f = (fit: number, engagement: number) => ({ fit, engagement });
  await s.appendTransitions([
    move(ana, 'lead', 'mql', 0, 'rule:demo-request', f(45, 50)),
    move(ana, 'mql', 'sal', 1, 'feedback', f(45, 50)),
    move(ana, 'sal', 'opportunity', 3, 'crm:deal.stage', f(45, 52), 7, ['sql']),
    move(ana, 'opportunity', 'won', 10, 'crm:deal.stage', f(45, 40)),
    move(bo, 'lead', 'mql', 2, 'rule:mql', f(60, 35)),
    { ...move(bo, 'mql', 'recycled', 3, 'feedback', f(60, 35)), reason: 'no_budget' },
    move(cy, 'lead', 'opportunity', 5, 'crm:deal.stage', f(10, 5), 7, ['mql', 'sal', 'sql']),
    // a breach mark is not a stage change and counts for nothing here
    { ...move(bo, 'mql', 'mql', 2.5, 'sla', f(60, 35)), breached: true },
    move(eve, 'lead', 'mql', 4, 'rule:mql', f(70, 40), 6),
  ]);
  await s.insertFeedback({ personId: ana, decision: 'accept', reason: null, at: at(1), source: 'api' });
  await s.insertFeedback({ personId: bo, decision: 'reject', reason: 'no_budget', at: at(3), source: 'api' });
  await s.insertEvents([
    {
      id: 'e1',
      personId: ana,
      type: 'form_submission',
      at: at(0),
      properties: { form: 'demo-request' },
      campaign: null,
      channel: null,
    },
    {
      id: 'e2',
      personId: bo,
      type: 'page_view',
      at: at(1),
      properties: { url: '/pricing' },
      campaign: null,
      channel: null,
    },
    {
      id: 'e3',
      personId: cy,
      type: 'page_view',
      at: at(1),
      properties: { url: '/pricing' },
      campaign: null,
      channel: null,
    },
  ]);
  await s.transaction(async (tx) => {
    await tx.upsertDeal({
      key: 'salesforce:006A',
      hubspotId: null,
      salesforceId: '006A',
      fields: { stage: 'won', amount: 5000, close_date: at(10).slice(0, 10) + 'T10:00:00.000Z' },
      personIds: [ana],
      createdAt: at(3),
      updatedAt: at(10),
    });
    await tx.upsertDeal({
      key: 'salesforce:006B',
      hubspotId: null,
      salesforceId: '006B',
      fields: { stage: 'discovery', amount: 800 },
      personIds: [cy],
      createdAt: at(5),
      updatedAt: at(5),
    });
  });
  return { ana, bo, cy, dee, eve };
}
