import { describe, expect, it } from 'vitest';
import { packComposite, type Subrequest } from '../../../connectors/salesforce/composite.ts';
import type { WriteOp } from '../../../connectors/types.ts';
import { BASE, connectorFor, freshOrg, useFakeSalesforce } from './helpers.ts';

useFakeSalesforce();

const sub = (url: string, i: number): Subrequest => ({ method: 'GET', url, referenceId: `r${i}` });
const post = (api: ReturnType<typeof freshOrg>, body: unknown) =>
  api.handle({
    method: 'POST',
    url: new URL(`${BASE}/services/data/v62.0/composite`),
    headers: { authorization: 'Bearer fake-session-token' },
    body: JSON.stringify(body),
  });

describe('Salesforce Composite API', () => {
  it('packs subrequests in order, ≤ 25 a call and ≤ 5 queries or collections', () => {
    const subs = [
      ...Array.from({ length: 7 }, (_, i) => sub('/services/data/v62.0/query?q=x', i)),
      ...Array.from({ length: 30 }, (_, i) => sub('/services/data/v62.0/sobjects/Lead/00Q', 10 + i)),
    ];
    const packs = packComposite(subs);
    expect(packs.map((p) => p.length)).toEqual([5, 25, 7]);
    expect(packs.flat()).toEqual(subs);
  });

  it('the fake answers compositeResponse in order, counts one API call, and refuses what Salesforce refuses', () => {
    const api = freshOrg();
    const used = api.used;
    const res = post(api, {
      allOrNone: false,
      compositeRequest: [
        {
          method: 'POST',
          url: '/services/data/v62.0/composite/sobjects',
          referenceId: 'c',
          body: {
            allOrNone: false,
            records: [{ attributes: { type: 'Lead' }, LastName: 'A', Company: 'Co', Email: 'a@co.example' }],
          },
        },
        {
          method: 'GET',
          url: `/services/data/v62.0/query?q=${encodeURIComponent("SELECT Id FROM Lead WHERE Email IN ('a@co.example')")}`,
          referenceId: 'q',
        },
        { method: 'GET', url: '/services/data/v62.0/sobjects/Nope/001', referenceId: 'bad' },
      ],
    });
    expect(api.used - used).toBe(1);
    const body = res!.body as { compositeResponse: { referenceId: string; httpStatusCode: number; body: unknown }[] };
    expect(body.compositeResponse.map((r) => [r.referenceId, r.httpStatusCode])).toEqual([
      ['c', 200],
      ['q', 200],
      ['bad', 404],
    ]);
    const [created, queried] = body.compositeResponse;
    expect((queried.body as { records: { Id: string }[] }).records[0].Id).toBe(
      (created.body as { id: string }[])[0].id,
    );
    expect(api.apiCalls().at(-1)?.path).toMatch(/\/composite$/);
    const q = (i: number) => ({
      method: 'GET',
      url: '/services/data/v62.0/query?q=SELECT+Id+FROM+Lead',
      referenceId: `q${i}`,
    });
    const six = post(api, { compositeRequest: Array.from({ length: 6 }, (_, i) => q(i)) })!;
    expect(six.status).toBe(400);
    expect(JSON.stringify(six.body)).toContain('LIMIT_EXCEEDED');
    const many = post(api, {
      compositeRequest: Array.from({ length: 26 }, (_, i) => ({
        method: 'GET',
        url: '/services/data/v62.0/sobjects/Lead/describe',
        referenceId: `d${i}`,
      })),
    })!;
    expect(JSON.stringify(many.body)).toContain('more than 25 operations');
  });

  it('creates 1,000 Leads and their Tasks in 6 calls: duplicate check, creates with owners, Tasks', async () => {
    const api = freshOrg();
    const sf = connectorFor(api);
    await sf.write([]); // warm the describe
    const before = api.apiCalls().length;
    const leads: WriteOp[] = Array.from({ length: 1000 }, (_, i) => ({
      key: `l${i}`,
      object: 'Lead',
      action: 'create',
      email: `p${i}@corp${i % 9}.example`,
      properties: { LastName: `P${i}`, Company: 'Corp' },
      idempotencyKey: `l${i}`,
      attempts: 0,
    }));
    const made = await sf.write(leads);
    expect(made.every((r) => r.status === 'ok' && (r as { properties: { OwnerId?: string } }).properties.OwnerId)).toBe(
      true,
    );
    const tasks: WriteOp[] = made.map((r, i) => ({
      key: `t${i}`,
      object: 'Task',
      action: 'create',
      properties: {
        WhoId: (r as { id: string }).id,
        OwnerId: (r as unknown as { properties: { OwnerId: string } }).properties.OwnerId,
        Subject: 'New MQL',
      },
      idempotencyKey: `t${i}`,
      attempts: 0,
    }));
    expect((await sf.write(tasks)).every((r) => r.status === 'ok')).toBe(true);
    expect(api.org.rows('Task')).toHaveLength(1000);
    // no Task query: these Leads were just created here and their Tasks never tried
    expect(api.calls('/query').filter((c) => /FROM\+Task|FROM%20Task/.test(c.query))).toHaveLength(0);
    expect(api.apiCalls().length - before).toBeLessThanOrEqual(6);
  });

  it('Lead creates and Tasks for earlier Leads in one send share composite calls: two in all', async () => {
    const api = freshOrg();
    const sf = connectorFor(api);
    const earlier = await sf.write(
      Array.from({ length: 150 }, (_, i) => ({
        key: `e${i}`,
        object: 'Lead' as const,
        action: 'create' as const,
        email: `e${i}@corp.example`,
        properties: { LastName: `E${i}` },
        idempotencyKey: `e${i}`,
      })),
    );
    const before = api.apiCalls().length;
    const leads: WriteOp[] = Array.from({ length: 150 }, (_, i) => ({
      key: `n${i}`,
      object: 'Lead',
      action: 'create',
      email: `n${i}@corp.example`,
      properties: { LastName: `N${i}` },
      idempotencyKey: `n${i}`,
      attempts: 0,
    }));
    const tasks: WriteOp[] = earlier.map((r, i) => ({
      key: `t${i}`,
      object: 'Task',
      action: 'create',
      properties: { WhoId: (r as { id: string }).id, Subject: 'New MQL' },
      idempotencyKey: `t${i}`,
      attempts: 0,
    }));
    const res = await sf.write([...leads, ...tasks]);
    expect(res.every((r) => r.status === 'ok')).toBe(true);
    expect(api.org.rows('Task')).toHaveLength(150);
    expect(api.org.rows('Task').every((t) => t.OwnerId && t.OwnerId === api.org.get(String(t.WhoId))?.OwnerId)).toBe(
      true,
    );
    // [duplicate check + Tasks' owners], [Lead creates + owners read back + Task creates]
    expect(
      api
        .apiCalls()
        .slice(before)
        .map((c) => c.path.split('/').pop()),
    ).toEqual(['composite', 'composite']);
  });

  it('checks for an existing Task when the op may have been sent before', async () => {
    const api = freshOrg();
    const sf = connectorFor(api);
    const [lead] = await sf.write([
      {
        key: 'l',
        object: 'Lead',
        action: 'create',
        email: 'b@corp.example',
        properties: { LastName: 'B', Company: 'Corp' },
        idempotencyKey: 'l',
      },
    ]);
    const whoId = (lead as { id: string }).id;
    await sf.write([
      {
        key: 't',
        object: 'Task',
        action: 'create',
        properties: { WhoId: whoId, Subject: 'x' },
        idempotencyKey: 't',
        attempts: 1,
      },
    ]);
    expect(api.calls('/query').filter((c) => /FROM%20Task/.test(c.query))).toHaveLength(1);
  });
});
