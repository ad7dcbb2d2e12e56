/** HubSpot refusals that are not the record's: held for the whole batch, never bisected, never dead. */
import { afterEach, describe, expect, it } from 'vitest';
import type { WriteOp, WriteResult } from '../../../connectors/types.ts';
import { FAST, harness } from './harness.ts';

let h: ReturnType<typeof harness>;
afterEach(() => h.close());

const update = (object: 'contact' | 'deal', id: string, properties: Record<string, unknown>): WriteOp => ({
  key: `hubspot:${object}:${id}`,
  object,
  id,
  action: 'update',
  properties,
  idempotencyKey: `k-${id}`,
});
const held = (rs: WriteResult[]) =>
  rs.filter((r): r is Extract<WriteResult, { status: 'held' }> => r.status === 'held');

describe('HubSpot setup problems', () => {
  it('a property that does not exist holds all 2,000 writes after one refused call (no bisection) and names the property', async () => {
    h = harness();
    const ids = Array.from({ length: 2000 }, (_, i) => h.api.seed('contacts', { email: `p${i}@corp.example` }));
    // start() never ran: baton_stage was not created
    const c = h.connector({ limits: FAST });
    const results = await c.write(ids.map((id) => update('contact', id, { baton_stage: 'mql', firstname: 'Ana' })));
    expect(held(results)).toHaveLength(2000);
    expect(held(results)[0].problem).toMatchObject({
      crm: 'hubspot',
      kind: 'missing_field',
      object: 'contact',
      fields: ['baton_stage'],
    });
    expect(held(results)[0].problem.fix).toMatch(/crm\.schemas\.contacts\.write/);
    const calls = h.api.calls(/\/contacts\/batch\/update$/);
    expect(calls.map((x) => [x.status, x.inputs])).toEqual([[400, 100]]);
    console.info(`setup problem: 2,000 contact updates for a missing property cost ${calls.length} batch-update call`);
  });

  it('a missing write scope (403 MISSING_SCOPES) holds the writes and names the scope', async () => {
    h = harness({ scopes: ['crm.objects.contacts.read', 'crm.schemas.contacts.read', 'crm.schemas.contacts.write'] });
    const ids = Array.from({ length: 3 }, (_, i) => h.api.seed('contacts', { email: `p${i}@corp.example` }));
    const c = h.connector({ limits: FAST, detectBackwardLifecycle: false });
    const results = await c.write(ids.map((id) => update('contact', id, { firstname: 'Ana' })));
    expect(held(results)).toHaveLength(3);
    expect(held(results)[0].problem).toMatchObject({
      kind: 'missing_scope',
      object: 'contact',
      scopes: ['crm.objects.contacts.write'],
    });
    expect(h.api.calls(/\/contacts\/batch\/update$/)).toHaveLength(1);
  });

  it('an option fields.yaml names (a deal stage) that the portal lacks is held for every deal; an option no configuration names stays the record’s', async () => {
    h = harness();
    const stage = h.api.data.properties.deals.get('dealstage')!;
    stage.options = stage.options!.filter((o) => o.value !== 'closedwon');
    const deals = Array.from({ length: 4 }, () => h.api.seed('deals', { dealname: 'D' }));
    const c = h.connector({ limits: FAST });
    const won = await c.write(deals.map((id) => update('deal', id, { dealstage: 'closedwon' })));
    expect(held(won)).toHaveLength(4);
    expect(held(won)[0].problem).toMatchObject({
      kind: 'value_not_allowed',
      object: 'deal',
      fields: ['dealstage'],
      value: 'closedwon',
    });
    expect(h.api.calls(/\/deals\/batch\/update$/)).toHaveLength(1);

    const odd = await c.write(
      deals.map((id, i) => update('deal', id, { dealstage: i === 2 ? 'somebodys_stage' : 'closedlost' })),
    );
    expect(odd.map((r) => r.status)).toEqual(['ok', 'ok', 'dead', 'ok']);
  });
});
