import { describe, expect, it } from 'vitest';
import type { WriteOp } from '../../../connectors/types.ts';
import { connectorFor, freshOrg, useFakeSalesforce } from './helpers.ts';

useFakeSalesforce();

const upd = (id: string, props: Record<string, unknown>, i = 0): WriteOp => ({
  key: `salesforce:Lead:${id}`,
  object: 'Lead',
  id,
  action: 'update',
  properties: props,
  idempotencyKey: `k${i}`,
});

describe('Salesforce people writes', () => {
  it('sends 450 updates in 3 collection calls, each with Sforce-Auto-Assign: FALSE', async () => {
    const api = freshOrg();
    const ids = Array.from(
      { length: 450 },
      (_, i) => api.org.insert('Lead', { LastName: `L${i}`, Company: 'Acme', Email: `p${i}@acme.example` }).Id,
    );
    const sf = connectorFor(api);
    const res = await sf.write(ids.map((id, i) => upd(id, { Baton_Stage__c: 'mql' }, i)));
    expect(res.every((r) => r.status === 'ok')).toBe(true);
    const calls = api.calls('/composite/sobjects', 'PATCH');
    expect(calls).toHaveLength(3);
    expect(calls.map((c) => JSON.parse(c.body).records.length)).toEqual([200, 200, 50]);
    expect(
      calls.every((c) => c.headers['sforce-auto-assign'] === 'FALSE' && JSON.parse(c.body).allOrNone === false),
    ).toBe(true);
    expect(api.org.get(ids[449])?.Baton_Stage__c).toBe('mql');
  });

  it('dead-letters only the record a validation rule rejects, with Salesforce’s message', async () => {
    const api = freshOrg();
    const ids = Array.from({ length: 5 }, (_, i) => api.org.insert('Lead', { LastName: `L${i}`, Company: 'Acme' }).Id);
    api.org.validationRules.push({
      object: 'Lead',
      field: 'Baton_Reason__c',
      check: (r) => (r.Baton_Reason__c === 'bad' ? 'Reason may not be "bad"' : null),
    });
    const sf = connectorFor(api);
    const res = await sf.write(ids.map((id, i) => upd(id, { Baton_Reason__c: i === 2 ? 'bad' : 'fine' }, i)));
    expect(res.map((r) => r.status)).toEqual(['ok', 'ok', 'dead', 'ok', 'ok']);
    expect(res[2]).toMatchObject({
      status: 'dead',
      error: expect.stringContaining('FIELD_CUSTOM_VALIDATION_EXCEPTION: Reason may not be "bad"'),
    });
    expect(api.org.get(ids[3])?.Baton_Reason__c).toBe('fine');
  });

  it('retries just the records Salesforce could not lock', async () => {
    const api = freshOrg();
    const ids = Array.from({ length: 3 }, (_, i) => api.org.insert('Lead', { LastName: `L${i}`, Company: 'Acme' }).Id);
    api.org.lockedRows.set(ids[1], 1);
    const sf = connectorFor(api);
    const res = await sf.write(ids.map((id, i) => upd(id, { Baton_Stage__c: 'sal' }, i)));
    expect(res.every((r) => r.status === 'ok')).toBe(true);
    const calls = api.calls('/composite/sobjects', 'PATCH');
    expect(calls.map((c) => JSON.parse(c.body).records.map((r: { id: string }) => r.id))).toEqual([ids, [ids[1]]]);
  });

  it('retries a collection call that failed with 503 and 500 UNKNOWN_EXCEPTION', async () => {
    const api = freshOrg();
    const id = api.org.insert('Lead', { LastName: 'L', Company: 'Acme' }).Id;
    const patch = (r: { method: string; url: URL }) =>
      r.method === 'PATCH' && r.url.pathname.endsWith('/composite/sobjects');
    api.failNext(patch, { status: 503, body: [{ errorCode: 'SERVER_UNAVAILABLE', message: 'try later' }] });
    api.failNext(patch, {
      status: 500,
      body: [{ errorCode: 'UNKNOWN_EXCEPTION', message: 'An unexpected error occurred' }],
    });
    const [r] = await connectorFor(api).write([upd(id, { Baton_Stage__c: 'mql' })]);
    expect(r.status).toBe('ok');
    expect(api.calls('/composite/sobjects', 'PATCH')).toHaveLength(3);
  });

  it('keeps the owner a person gave a Lead through Baton’s later updates (assignment rule active)', async () => {
    const api = freshOrg();
    const rep = api.org.addUser({ Username: 'rep@org.example', Name: 'Rep', Email: 'rep@org.example' });
    const sf = connectorFor(api);
    const [created] = await sf.write([
      {
        key: 'c1',
        object: 'Lead',
        action: 'create',
        email: 'new@corp.example',
        properties: { LastName: 'New' },
        idempotencyKey: 'c1',
      },
    ]);
    expect(created.status).toBe('ok');
    const id = (created as { id: string }).id;
    const ruleOwner = api.org.get(id)?.OwnerId;
    expect(ruleOwner).not.toBe(api.org.integrationUserId); // the org's rule placed it
    api.org.touch(id, { OwnerId: rep }, rep); // a manager reassigns it by hand
    await sf.write([upd(id, { Baton_Stage__c: 'mql' }), upd(id, { Baton_Stage__c: 'sal' })]);
    expect(api.org.get(id)?.OwnerId).toBe(rep);
    const last = api.calls('/composite/sobjects', 'PATCH').at(-1);
    expect(JSON.parse(String(last?.body)).records).toHaveLength(1); // two updates of one Lead go out as one record
    expect(api.org.get(id)?.Baton_Stage__c).toBe('sal');
  });

  it('creates Leads for 300 HubSpot-only people, checking duplicates in 2 queries, none for the 40 that exist', async () => {
    const api = freshOrg();
    const emails = Array.from({ length: 300 }, (_, i) => `person${i}@corp${i % 7}.example`);
    const existingLeads = emails
      .slice(0, 20)
      .map((e) => api.org.insert('Lead', { LastName: 'Old', Company: 'Acme', Email: e.toUpperCase() }).Id);
    const existingContacts = emails
      .slice(20, 40)
      .map((e) => api.org.insert('Contact', { LastName: 'Old', Email: e }).Id);
    const before = api.org.rows('Lead').length;
    const sf = connectorFor(api);
    const ops: WriteOp[] = emails.map((e, i) => ({
      key: `hs:${i}`,
      object: 'Lead',
      action: 'create',
      email: e,
      properties: { Email: e, FirstName: `P${i}` },
      idempotencyKey: `create:${i}`,
    }));
    const calls = api.apiCalls().length;
    const res = await sf.write(ops);
    expect(res.every((r) => r.status === 'ok')).toBe(true);
    const soql = api.calls('/query', 'GET').map((c) => new URLSearchParams(c.query).get('q') ?? '');
    expect(soql.filter((q) => /^SELECT Id, Email\b.* WHERE Email IN/.test(q))).toHaveLength(2);
    // the duplicate check is one composite call; the creates and the owners read back, another
    expect(
      api
        .apiCalls()
        .slice(calls)
        .filter((c) => c.path.endsWith('/composite') || c.path.endsWith('/query'))
        .map((c) => c.path.split('/').pop()),
    ).toEqual(['composite', 'composite']);
    expect(api.org.rows('Lead').length - before).toBe(260);
    expect(res[0]).toMatchObject({ id: existingLeads[0], properties: { object: 'Lead', existing: true } });
    expect(res[25]).toMatchObject({ id: existingContacts[5], properties: { object: 'Contact', existing: true } });
    const made = api.org.get((res[299] as { id: string }).id);
    expect(made).toMatchObject({ LastName: '[not provided]', Company: '[not provided]' });
    expect((res[299] as unknown as { properties: { OwnerId: string } }).properties.OwnerId).toBe(made?.OwnerId);
    // the new record read back as a poll would give it, with what Salesforce filled in
    expect(res[299]).toMatchObject({
      record: {
        crm: 'salesforce',
        object: 'Lead',
        id: made?.Id,
        properties: { Status: 'Open - Not Contacted', OwnerId: made?.OwnerId, Email: emails[299] },
      },
    });
    expect(Date.parse((res[299] as { record: { modifiedAt: string } }).record.modifiedAt)).toBeGreaterThan(0);
    expect(res[0]).not.toHaveProperty('record');
    expect(api.calls('/composite/sobjects', 'POST').every((c) => c.headers['sforce-auto-assign'] === 'TRUE')).toBe(
      true,
    );
  });

  it('writes a converted Lead as its Contact, without Lead-only fields', async () => {
    const api = freshOrg();
    const lead = api.org.insert('Lead', { LastName: 'Conv', Company: 'Acme', Email: 'c@acme.example' });
    const { contactId } = api.org.convertLead(lead.Id);
    const sf = connectorFor(api);
    await sf.start();
    const [r] = await sf.write([upd(lead.Id, { Baton_Stage__c: 'sql', Company: 'Ignored Inc', Status: 'Qualified' })]);
    expect(r).toMatchObject({
      status: 'ok',
      id: contactId,
      properties: { object: 'Contact', convertedLeadId: lead.Id },
    });
    expect(api.org.get(contactId)?.Baton_Stage__c).toBe('sql');
  });

  it('never doubles a Lead whose create call succeeded but whose answer was lost', async () => {
    const api = freshOrg();
    let lost = false;
    api.failNext(
      (r) => {
        if (lost || !(r.method === 'POST' && r.url.pathname.endsWith('/composite/sobjects'))) return false;
        lost = true;
        const { attributes: _a, ...fields } = JSON.parse(r.body).records[0];
        api.org.create('Lead', fields, api.org.integrationUserId, true);
        return true;
      },
      { status: 502, body: 'Bad Gateway', headers: { 'content-type': 'text/html' } },
    );
    const [r] = await connectorFor(api).write([
      {
        key: 'n',
        object: 'Lead',
        action: 'create',
        email: 'once@corp.example',
        properties: { LastName: 'Once', Company: 'Corp' },
        idempotencyKey: 'n',
      },
    ]);
    expect(r).toMatchObject({ status: 'ok', properties: { existing: true } });
    expect(api.org.rows('Lead').filter((l) => l.Email === 'once@corp.example')).toHaveLength(1);
  });
});
