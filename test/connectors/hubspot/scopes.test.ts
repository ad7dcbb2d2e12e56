/** The scopes `baton setup --project` asks for are enough: a connector on a token with exactly those starts, reads, polls and writes. */
import { afterEach, describe, expect, it } from 'vitest';
import { neededScopes } from '../../../connectors/hubspot/index.ts';
import { FAST, fields, harness } from './harness.ts';

let h: ReturnType<typeof harness> | undefined;
afterEach(async () => {
  await h?.close();
  h = undefined;
});

describe('neededScopes', () => {
  it('are exactly enough for start, read, poll and write', async () => {
    const hh = (h = harness({ scopes: neededScopes(fields) }));
    const contact = hh.api.seed('contacts', { email: 'ana@corp.example', firstname: 'Ana' });
    const deal = hh.api.seed('deals', { dealname: 'Renewal', amount: 1200 });
    hh.api.associate('deals', deal, 'contacts', contact);
    const c = hh.connector({ limits: FAST });
    expect(await c.start()).toEqual([]);
    const read = await c.read([
      { crm: 'hubspot', object: 'contact', id: contact },
      { crm: 'hubspot', object: 'deal', id: deal },
    ]);
    expect(read.map((r) => r.id).sort()).toEqual([contact, deal].sort());
    expect((await c.poll(null)).records.length).toBeGreaterThanOrEqual(0);
    const written = await c.write([
      {
        key: `hubspot:contact:${contact}`,
        object: 'contact',
        id: contact,
        action: 'update',
        properties: { baton_stage: 'mql' },
        idempotencyKey: 'k1',
      },
      {
        key: `hubspot:deal:${deal}`,
        object: 'deal',
        id: deal,
        action: 'update',
        properties: { baton_attribution: 'first touch: Webinar' },
        idempotencyKey: 'k2',
      },
    ]);
    expect(written.map((w) => w.status)).toEqual(['ok', 'ok']);
    expect(hh.api.log.filter((l) => l.status === 403)).toEqual([]);
  });

  it('leave out what the configuration does not use', () => {
    const noDeals = {
      ...fields,
      deal: undefined,
      writeback: { hubspot: { contact: {}, lifecyclestage: false, owner: false } },
    };
    const scopes = neededScopes(noDeals as typeof fields);
    expect(scopes.some((s) => s.includes('deals'))).toBe(false);
    expect(scopes).not.toContain('crm.schemas.contacts.write');
  });
});
