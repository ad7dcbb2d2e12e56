import { describe, expect, it } from 'vitest';
import type { WriteOp } from '../../../connectors/types.ts';
import { accountQueries } from '../../../connectors/salesforce/accounts.ts';
import { connectorFor, freshOrg, useFakeSalesforce } from './helpers.ts';

useFakeSalesforce();

const create = (i: number, email: string): WriteOp => ({
  key: `salesforce:person:${i}`,
  object: 'Lead',
  action: 'create',
  properties: { LastName: `L${i}`, Company: 'Corp', Email: email, Baton_Stage__c: 'mql' },
  email,
  idempotencyKey: `person-${i}:lead-create`,
});

describe('placed creates', () => {
  it('creates a Lead with the placed owner (Sforce-Auto-Assign: FALSE) and a Contact on the placed Account', async () => {
    const api = freshOrg();
    const rep = api.org.addUser({ Username: 'rep@org.example', Email: 'rep@org.example', Name: 'Rep' });
    const olga = api.org.addUser({ Username: 'olga@org.example', Email: 'olga@org.example', Name: 'Olga' });
    const account = api.org.insert('Account', { Name: 'Corp', Website: 'corp.example', OwnerId: olga }).Id;
    const sf = connectorFor(api, { assignment: 'org' });
    const oldLead = api.org.insert('Lead', { LastName: 'Old', Company: 'X', Email: 'old@x.example' }).Id;
    const oldOwner = api.org.get(oldLead)!.OwnerId;
    const res = await sf.write([
      { ...create(1, 'a@b.example'), placement: { ownerId: rep, object: 'Lead' } },
      { ...create(2, 'c@corp.example'), placement: { ownerId: olga, object: 'Contact', accountId: account } },
      { ...create(3, 'old@x.example'), placement: { ownerId: rep, object: 'Lead' } },
      create(4, 'd@e.example'),
      // routed, but the decision left the owner to the org's assignment rule
      { ...create(5, 'f@g.example'), placement: { object: 'Lead' } },
    ]);
    expect(res.map((r) => r.status)).toEqual(['ok', 'ok', 'ok', 'ok', 'ok']);
    const lead = api.org.rows('Lead').find((l) => l.Email === 'a@b.example')!;
    expect(lead.OwnerId).toBe(rep);
    const contact = api.org.rows('Contact').find((c) => c.Email === 'c@corp.example')!;
    expect(contact).toMatchObject({ AccountId: account, OwnerId: olga, LastName: 'L2', Baton_Stage__c: 'mql' });
    expect(api.org.rows('Lead').filter((l) => l.Email === 'c@corp.example')).toHaveLength(0);
    expect(res[1]).toMatchObject({ id: contact.Id, properties: { object: 'Contact', created: true, OwnerId: olga } });
    // the duplicate check still wins over a placement: the existing Lead is returned, its owner kept
    expect(res[2]).toMatchObject({ id: oldLead, properties: { object: 'Lead', existing: true } });
    expect(api.org.get(oldLead)!.OwnerId).toBe(oldOwner);
    // no placement, or one without an owner: the org's assignment rule places the person
    for (const email of ['d@e.example', 'f@g.example'])
      expect(api.org.rows('Lead').find((l) => l.Email === email)!.OwnerId).not.toBe(api.org.integrationUserId);
    const posts = api
      .calls('/composite/sobjects', 'POST')
      .map((c) => ({ type: JSON.parse(c.body).records[0].attributes.type, assign: c.headers['sforce-auto-assign'] }));
    expect(posts).toEqual(
      expect.arrayContaining([
        { type: 'Lead', assign: 'FALSE' },
        { type: 'Contact', assign: 'FALSE' },
        { type: 'Lead', assign: 'TRUE' },
      ]),
    );
  });

  it('finds candidate Accounts with one query and closes a Task by its marker', async () => {
    const api = freshOrg();
    const owner = api.org.addUser({ Username: 'o@org.example', Email: 'o@org.example', Name: 'O' });
    api.org.insert('Account', { Name: 'Acme, Inc.', Website: 'https://www.acme.com/about', OwnerId: owner });
    api.org.insert('Account', { Name: 'Other', Website: 'other.example', OwnerId: owner });
    const sf = connectorFor(api);
    const found = await sf.findAccounts({ domains: ['acme.com', 'nowhere.example'], names: ['acme', 'big data'] });
    expect(found.map((a) => a.name)).toEqual(['Acme, Inc.']);
    expect(api.calls('/query', 'GET').filter((c) => decodeURIComponent(c.query).includes('FROM Account'))).toHaveLength(
      1,
    );
    const lead = api.org.insert('Lead', { LastName: 'L', Company: 'C', OwnerId: owner }).Id;
    const made = await sf.write([
      {
        key: 'salesforce:Task:t1',
        object: 'Task',
        action: 'create',
        properties: { Subject: 'New MQL', WhoId: lead },
        idempotencyKey: 'task:t1',
      },
    ]);
    expect(made[0].status).toBe('ok');
    const comment = {
      key: 'c',
      object: 'Task' as const,
      action: 'update' as const,
      properties: { WhoId: lead, $task: 'task:t1', $comment: 'Reminder: answer by noon' },
      idempotencyKey: 'c1',
    };
    await sf.write([comment]);
    await sf.write([comment]);
    const close = await sf.write([
      {
        key: 'x',
        object: 'Task',
        action: 'update',
        properties: { Status: 'Completed', WhoId: lead, $task: 'task:t1' },
        idempotencyKey: 'close:t1',
      },
    ]);
    expect(close[0].status).toBe('ok');
    const task = api.org.rows('Task')[0];
    expect(task.Status).toBe('Completed');
    expect(String(task.Description).match(/Reminder: answer by noon/g)).toHaveLength(1);
    expect(String(task.Description)).toContain('[baton:task:t1]');
  });

  it('keeps every account query under the URI budget', () => {
    const domains = Array.from({ length: 2000 }, (_, i) => `company-${i}.example`);
    const qs = accountQueries({ domains, names: [] });
    expect(qs.length).toBeGreaterThan(1);
    expect(qs.every((q) => q.length < 8200)).toBe(true);
    expect(qs.join(' ').match(/Website LIKE/g)).toHaveLength(2000);
  });
});
