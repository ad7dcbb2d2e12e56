/** Salesforce save errors that are not the record's: a missing or read-only field, a configured picklist value the org lacks. */
import { describe, expect, it } from 'vitest';
import type { WriteOp, WriteResult } from '../../../connectors/types.ts';
import { connectorFor, freshOrg, useFakeSalesforce } from './helpers.ts';

useFakeSalesforce();

const upd = (object: 'Lead' | 'Contact', id: string, props: Record<string, unknown>, i = 0): WriteOp => ({
  key: `salesforce:${object}:${id}`,
  object,
  id,
  action: 'update',
  properties: props,
  idempotencyKey: `k${i}`,
});
const held = (rs: WriteResult[]) =>
  rs.filter((r): r is Extract<WriteResult, { status: 'held' }> => r.status === 'held');

describe('Salesforce setup problems', () => {
  it('a field missing on Lead at start is still sent, and every update is held naming it; once created, the next write carries it', async () => {
    const api = freshOrg();
    const reason = api.org.removeField('Lead', 'Baton_Reason__c')!;
    const ids = Array.from(
      { length: 250 },
      (_, i) => api.org.insert('Lead', { LastName: `L${i}`, Company: 'Acme' }).Id,
    );
    const sf = connectorFor(api);
    await sf.start();
    const res = await sf.write(
      ids.map((id, i) => upd('Lead', id, { Baton_Stage__c: 'mql', Baton_Reason__c: 'demo request' }, i)),
    );
    expect(held(res)).toHaveLength(250);
    expect(held(res)[0].problem).toMatchObject({
      crm: 'salesforce',
      kind: 'missing_field',
      object: 'Lead',
      fields: ['Baton_Reason__c'],
    });
    const sent = api.calls('/composite/sobjects', 'PATCH');
    expect(sent).toHaveLength(2);
    expect(
      sent.every((c) =>
        JSON.parse(c.body).records.every((r: Record<string, unknown>) => r.Baton_Reason__c === 'demo request'),
      ),
    ).toBe(true);

    api.org.addField('Lead', reason);
    const again = await sf.write(
      ids.slice(0, 3).map((id, i) => upd('Lead', id, { Baton_Stage__c: 'mql', Baton_Reason__c: 'demo request' }, i)),
    );
    expect(again.map((r) => r.status)).toEqual(['ok', 'ok', 'ok']);
    expect(api.org.get(ids[0])?.Baton_Reason__c).toBe('demo request');
  });

  it('the same problem answered for the whole call (a 400 INVALID_FIELD instead of per-record results) is held too', async () => {
    const api = freshOrg();
    const ids = Array.from({ length: 3 }, (_, i) => api.org.insert('Lead', { LastName: `L${i}`, Company: 'Acme' }).Id);
    api.failNext((r) => r.method === 'PATCH' && /\/composite\/sobjects$/.test(r.url.pathname), {
      status: 400,
      body: [{ message: "No such column 'Baton_Reason__c' on sobject of type Lead", errorCode: 'INVALID_FIELD' }],
    });
    const sf = connectorFor(api);
    const res = await sf.write(ids.map((id, i) => upd('Lead', id, { Baton_Reason__c: 'x' }, i)));
    expect(held(res)).toHaveLength(3);
    expect(held(res)[0].problem).toMatchObject({ kind: 'missing_field', object: 'Lead', fields: ['Baton_Reason__c'] });
  });

  it('a Baton field the integration user may not edit is sent, not silently left out, and the refusal is held naming it', async () => {
    const api = freshOrg();
    api.org.fieldOf('Lead', 'Baton_Reason__c')!.readonly = true;
    const id = api.org.insert('Lead', { LastName: 'L', Company: 'Acme' }).Id;
    const sf = connectorFor(api);
    const [r] = await sf.write([upd('Lead', id, { Baton_Reason__c: 'x', Title: 'CTO' })]);
    expect(r).toMatchObject({
      status: 'held',
      problem: { kind: 'not_writable', object: 'Lead', fields: ['Baton_Reason__c'] },
    });
  });

  it('a Lead-only field is still left out of a Contact write, but a field neither object has is held', async () => {
    const api = freshOrg();
    api.org.removeField('Contact', 'Baton_Reason__c');
    api.org.removeField('Lead', 'Baton_Reason__c');
    const account = api.org.insert('Account', { Name: 'Acme' }).Id;
    const contact = api.org.insert('Contact', { LastName: 'C', AccountId: account }).Id;
    const sf = connectorFor(api);
    const [ok] = await sf.write([upd('Contact', contact, { Company: 'Acme', Baton_Stage__c: 'sql' })]);
    expect(ok.status).toBe('ok');
    const [h] = await sf.write([upd('Contact', contact, { Baton_Reason__c: 'x' })]);
    expect(h).toMatchObject({ status: 'held', problem: { object: 'Contact', fields: ['Baton_Reason__c'] } });
  });

  it('a Lead Status fields.yaml names that the org lacks is held for every Lead; a value no configuration names is the record’s', async () => {
    const api = freshOrg();
    const status = api.org.fieldOf('Lead', 'Status')!;
    status.picklist = status.picklist!.filter((v) => v !== 'Qualified');
    const ids = Array.from({ length: 3 }, (_, i) => api.org.insert('Lead', { LastName: `L${i}`, Company: 'Acme' }).Id);
    const sf = connectorFor(api);
    const res = await sf.write(ids.map((id, i) => upd('Lead', id, { Status: 'Qualified' }, i)));
    expect(held(res)).toHaveLength(3);
    expect(held(res)[0].problem).toMatchObject({
      kind: 'value_not_allowed',
      object: 'Lead',
      fields: ['Status'],
      value: 'Qualified',
    });
    expect(held(res)[0].problem.fix).toMatch(/add 'Qualified' to the Status picklist on Lead/);
    const odd = await sf.write([upd('Lead', ids[0], { Status: 'Somebody’s status' })]);
    expect(odd[0].status).toBe('dead');
  });
});
