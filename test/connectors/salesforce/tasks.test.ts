import { describe, expect, it } from 'vitest';
import type { WriteOp } from '../../../connectors/types.ts';
import { connectorFor, freshOrg, useFakeSalesforce } from './helpers.ts';

useFakeSalesforce();

describe('Salesforce Tasks', () => {
  it('creates one Task per idempotency key, for the owner the Lead ended up with', async () => {
    const api = freshOrg();
    const sf = connectorFor(api);
    const [lead] = await sf.write([
      {
        key: 'l',
        object: 'Lead',
        action: 'create',
        email: 'ana@corp.example',
        properties: { LastName: 'Ana', Company: 'Corp' },
        idempotencyKey: 'l',
      },
    ]);
    const leadId = (lead as { id: string }).id;
    const owner = api.org.get(leadId)?.OwnerId;
    expect(owner).not.toBe(api.org.integrationUserId);
    const task: WriteOp = {
      key: `salesforce:Task:${leadId}:mql`,
      object: 'Task',
      action: 'create',
      properties: { WhoId: leadId, Subject: 'New MQL: Ana (Corp)', ActivityDate: '2026-12-02' },
      idempotencyKey: 'task:ana:mql:7',
    };
    const [first] = await sf.write([task]);
    const [again] = await sf.write([task]);
    expect(first.status).toBe('ok');
    expect(again).toMatchObject({ status: 'ok', id: (first as { id: string }).id, properties: { existing: true } });
    const tasks = api.org.rows('Task');
    expect(tasks).toHaveLength(1);
    expect(tasks[0]).toMatchObject({
      OwnerId: owner,
      WhoId: leadId,
      ActivityDate: '2026-12-02',
      Subject: 'New MQL: Ana (Corp)',
      Status: 'Not Started',
    });
    expect(String(tasks[0].Description)).toContain('[baton:task:ana:mql:7]');
  });

  it('does not create a second Task when the create call failed in transit and is retried', async () => {
    const api = freshOrg();
    const lead = api.org.insert('Lead', { LastName: 'B', Company: 'Acme' });
    const sf = connectorFor(api);
    let first = true;
    // the create reaches Salesforce, but the answer is lost: a 503 comes back instead
    api.failNext(
      (r) => {
        if (!(r.method === 'POST' && r.url.pathname.endsWith('/composite/sobjects') && first)) return false;
        first = false;
        const { attributes: _a, ...fields } = JSON.parse(r.body).records[0];
        expect(api.org.create('Task', fields, api.org.integrationUserId, false).success).toBe(true);
        return true;
      },
      { status: 503, body: [{ errorCode: 'SERVER_UNAVAILABLE', message: 'try later' }] },
    );
    const [r] = await sf.write([
      {
        key: 't',
        object: 'Task',
        action: 'create',
        properties: { WhoId: lead.Id, Subject: 'Follow up' },
        idempotencyKey: 'once',
      },
    ]);
    expect(r).toMatchObject({ status: 'ok', properties: { existing: true } });
    expect(api.org.rows('Task')).toHaveLength(1);
    expect(api.calls('/composite/sobjects', 'POST')).toHaveLength(1); // the lost one; the retry found it
  });

  it('gives an escalation Task to the manager named in OwnerId', async () => {
    const api = freshOrg();
    const boss = api.org.addUser({ Username: 'boss@org.example', Name: 'Boss', Email: 'boss@org.example' });
    const rep = api.org.addUser({
      Username: 'rep@org.example',
      Name: 'Rep',
      Email: 'rep@org.example',
      ManagerId: boss,
    });
    const lead = api.org.insert('Lead', { LastName: 'C', Company: 'Acme', OwnerId: rep });
    const sf = connectorFor(api);
    const om = await sf.ownerAndManager([lead.Id]);
    expect(om.get(lead.Id)).toMatchObject({ ownerId: rep, manager: { id: boss, name: 'Boss' } });
    const manager = om.get(lead.Id)?.manager?.id;
    await sf.write([
      {
        key: 'e',
        object: 'Task',
        action: 'create',
        properties: { WhoId: lead.Id, Subject: 'SLA breached', OwnerId: manager },
        idempotencyKey: 'esc',
      },
    ]);
    expect(api.org.rows('Task')[0].OwnerId).toBe(boss);
    const users = await sf.usersByEmailOrUsername(['REP@org.example', 'nobody@x.example']);
    expect([...users.keys()]).toEqual(['rep@org.example']);
  });
});
