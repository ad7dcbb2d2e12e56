import { afterEach, describe, expect, it } from 'vitest';
import type { WriteOp } from '../../../connectors/types.ts';
import { FAST, harness } from './harness.ts';

let h: ReturnType<typeof harness>;
afterEach(() => h.close());

const update = (id: string, properties: Record<string, unknown>, extra: Partial<WriteOp> = {}): WriteOp => ({
  key: `hubspot:contact:${id}`,
  object: 'contact',
  id,
  action: 'update',
  properties,
  idempotencyKey: `k-${id}`,
  ...extra,
});

describe('HubSpot write-back', () => {
  it('writes 1,000 contacts in ≤ 10 batch-update calls', async () => {
    h = harness();
    const ids = Array.from({ length: 1000 }, (_, i) => h.api.seed('contacts', { email: `p${i}@corp.example` }));
    const c = h.connector({ limits: FAST });
    expect(await c.start()).toEqual([]);
    const results = await c.write(ids.map((id, i) => update(id, { baton_stage: 'mql', baton_fit_score: i % 100 })));
    expect(results.every((r) => r.status === 'ok')).toBe(true);
    expect(results.map((r) => r.key)).toEqual(ids.map((id) => `hubspot:contact:${id}`));
    expect(h.api.calls(/\/contacts\/batch\/update$/).length).toBeLessThanOrEqual(10);
    expect(h.api.data.records.contacts.get(ids[999])!.properties.baton_fit_score).toBe('99');
  });

  it('dead-letters only the record HubSpot refuses when one bad value fails the batch', async () => {
    h = harness();
    const ids = Array.from({ length: 100 }, (_, i) => h.api.seed('contacts', { email: `p${i}@corp.example` }));
    const c = h.connector({ limits: FAST });
    const ops = ids.map((id, i) => update(id, { hs_lead_status: i === 37 ? 'NOT_A_STATUS' : 'IN_PROGRESS' }));
    const results = await c.write(ops);
    const dead = results.filter((r) => r.status === 'dead');
    expect(dead).toHaveLength(1);
    expect(dead[0].key).toBe(`hubspot:contact:${ids[37]}`);
    expect(dead[0].status === 'dead' && dead[0].error).toContain('NOT_A_STATUS was not one of the allowed options');
    expect(
      ids
        .filter((_, i) => i !== 37)
        .every((id) => h.api.data.records.contacts.get(id)!.properties.hs_lead_status === 'IN_PROGRESS'),
    ).toBe(true);
    console.info(
      `bisect: ${h.api.calls(/\/contacts\/batch\/update$/).length} batch-update calls to isolate 1 bad record in 100`,
    );
  });

  it('clears the lifecycle stage before a backward move (recycle → lead)', async () => {
    h = harness();
    const id = h.api.seed('contacts', { email: 'ana@corp.example', lifecyclestage: 'salesqualifiedlead' });
    const id2 = h.api.seed('contacts', { email: 'bo@corp.example', lifecyclestage: 'opportunity' });
    const c = h.connector({ limits: FAST });
    expect(await c.start()).toEqual([]);
    // One op says clearFirst (as the pipeline does for recycled), the other is detected by reading the current stage.
    const results = await c.write([
      update(id, { lifecyclestage: 'lead', baton_stage: 'recycled' }, { clearFirst: ['lifecyclestage'] }),
      update(id2, { lifecyclestage: 'marketingqualifiedlead' }),
    ]);
    expect(results.map((r) => r.status)).toEqual(['ok', 'ok']);
    expect(h.api.data.records.contacts.get(id)!.properties.lifecyclestage).toBe('lead');
    expect(h.api.data.records.contacts.get(id2)!.properties.lifecyclestage).toBe('marketingqualifiedlead');
    const updates = h.api.calls(/\/contacts\/batch\/update$/);
    expect(updates.length).toBe(2); // the clear, then the set
  });

  it('decides the clear from the stage Baton knows (op.current), reading nothing first', async () => {
    h = harness();
    const fwd = h.api.seed('contacts', { email: 'ana@corp.example', lifecyclestage: 'lead' });
    const back = h.api.seed('contacts', { email: 'bo@corp.example', lifecyclestage: 'opportunity' });
    const c = h.connector({ limits: FAST });
    const results = await c.write([
      update(fwd, { lifecyclestage: 'marketingqualifiedlead' }, { current: { lifecyclestage: 'lead' } }),
      update(back, { lifecyclestage: 'marketingqualifiedlead' }, { current: { lifecyclestage: 'opportunity' } }),
    ]);
    expect(results.map((r) => r.status)).toEqual(['ok', 'ok']);
    expect(h.api.calls(/\/contacts\/batch\/read$/)).toHaveLength(0);
    expect(h.api.calls(/\/contacts\/batch\/update$/)).toHaveLength(2); // the one clear, then both sets
    expect(h.api.data.records.contacts.get(fwd)!.properties.lifecyclestage).toBe('marketingqualifiedlead');
    expect(h.api.data.records.contacts.get(back)!.properties.lifecyclestage).toBe('marketingqualifiedlead');
  });

  it('a backward lifecycle move without the clear is ignored by the fake, as by HubSpot', async () => {
    h = harness();
    const id = h.api.seed('contacts', { email: 'ana@corp.example', lifecyclestage: 'customer' });
    const c = h.connector({ limits: FAST, detectBackwardLifecycle: false });
    await c.write([update(id, { lifecyclestage: 'lead' })]);
    expect(h.api.data.records.contacts.get(id)!.properties.lifecyclestage).toBe('customer');
  });

  it('creates deals associated with their contacts, once per idempotency key', async () => {
    h = harness();
    const contact = h.api.seed('contacts', { email: 'ana@corp.example' });
    const c = h.connector({ limits: FAST });
    expect(await c.start()).toEqual([]);
    const op: WriteOp = {
      key: 'hubspot:deal:opp-1',
      object: 'deal',
      action: 'create',
      properties: { dealname: 'Acme', amount: 1200.5 },
      idempotencyKey: 'opp-1',
      associations: { contacts: [contact] },
    };
    const [first] = await c.write([op]);
    const [again] = await c.write([op]);
    expect(first).toMatchObject({ status: 'ok', id: expect.any(String) });
    expect(again).toEqual(first);
    expect(h.api.data.records.deals.size).toBe(1);
    expect(h.api.data.associations('deals', (first as { id: string }).id, 'contacts').map((a) => a.toId)).toEqual([
      contact,
    ]);
  });
});
