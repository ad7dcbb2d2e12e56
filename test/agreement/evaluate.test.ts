import { expect, test } from 'vitest';
import { compileAgreement } from '../../src/agreement/index.ts';
import { agreementSchema } from '../../src/config/schema.ts';
import { evaluate, orderSteps } from '../../src/agreement/evaluate.ts';

const agreement = compileAgreement(
  agreementSchema.parse({
    name: 'test',
    version: 3,
    owners: {
      marketing: { name: 'm', email: 'm@x.example', approved: '2026-11-01' },
      sales: { name: 's', email: 's@x.example', approved: '2026-11-01' },
    },
    score: {
      fit: { max: 100, rules: [] },
      engagement: { max: 100, half_life: '30d', rules: [{ id: 'demo', on: 'form_submission', add: 40 }] },
    },
    stages: { mql: { score: 'engagement', gte: 30 } },
    sla: { accept_within: '4h' },
  }),
);

test('steps run in time order, events before feedback at one instant', () => {
  const at = '2026-11-20T10:00:00Z';
  const ordered = orderSteps([
    { kind: 'feedback', at, feedback: { decision: 'accept', at } },
    { kind: 'evaluate', at: '2026-11-20T09:00:00Z' },
    { kind: 'event', at, event: { type: 'x', at, properties: {} } },
  ]);
  expect(ordered.map((s) => s.kind)).toEqual(['evaluate', 'event', 'feedback']);
});

test('the mql transition keeps the time of the change; the SLA clock starts when Baton processes it', () => {
  const event = { id: 'e1', type: 'form_submission', at: '2026-11-20T10:00:00Z', properties: {} };
  const facts = { email: 'a@b.example', person: {}, deal: null, events: [event] };
  const now = '2026-11-20T10:07:00Z';
  const r = evaluate(agreement, facts, agreement.initialState(), [{ kind: 'event', at: event.at, event }], now);
  expect(r.transitions).toHaveLength(1);
  expect(r.transitions[0]).toMatchObject({
    to: 'mql',
    at: '2026-11-20T10:00:00Z',
    cause: 'rule:demo',
    version: 3,
    handedAt: now,
  });
  expect(r.state.sla).toMatchObject({ startedAt: now, due: '2026-11-20T14:07:00Z' });
});
