/**
 * The rows of issue 17's table, each as a plain test against the real app: hostile or malformed
 * input is a 4xx naming the field, never a 5xx, and leaves nothing stored. Sessions, cookies and
 * origins: `hostile-sessions.test.ts`.
 */
import { Writable } from 'node:stream';
import winston from 'winston';
import { describe, expect, it } from 'vitest';
import { logger } from '../../src/platform/logger.ts';
import {
  apiEvent,
  batonSignature,
  hubspotEvent,
  hubspotHeaders,
  ORG_ID,
  ORG_ID_15,
  outboundXml,
  serveEdge,
} from './edge-harness.ts';
import {
  app,
  ts,
  dbOf,
  bearer,
  json,
  post,
  refused,
  events,
  hubspot,
  outbound,
  signed,
  useHostileEdge,
} from './hostile-harness.ts';

useHostileEdge();

describe('the table of issue 17', () => {
  it('/api/events whose properties nest 10,000 deep is 400 naming the body', async () => {
    const deep = `{"id":"d","email":"ana@corp.example","type":"page_view","at":"2026-12-01T11:00:00Z","properties":{"x":${'['.repeat(10_000)}${']'.repeat(10_000)}}}`;
    const body = await refused(events(deep), 400, 'body');
    expect(String(body.message)).toContain('deeper than');
  });

  it('an Outbound Message from the right org with SystemModstamp = garbage is 400 naming it', async () => {
    await refused(
      outbound(outboundXml({ fields: { SystemModstamp: 'garbage' } })),
      400,
      'Notification.0.sObject.SystemModstamp',
    );
    await refused(
      outbound(outboundXml({ fields: { SystemModstamp: '2026-02-31T00:00:00.000Z' } })),
      400,
      'Notification.0.sObject.SystemModstamp',
    );
  });

  it('a validly signed HubSpot webhook with occurredAt 8640000000000001 is 400 naming it', async () => {
    await refused(hubspot(JSON.stringify([hubspotEvent({ occurredAt: 8640000000000001 })])), 400, '0.occurredAt');
    await refused(hubspot(JSON.stringify([hubspotEvent({ occurredAt: 1e300 })])), 400, '0.occurredAt');
  });

  it('OrganizationId = the org 15-character id + ZZZ is 403; the 15- and 18-character forms are taken', async () => {
    await refused(outbound(outboundXml({ orgId: `${ORG_ID_15}ZZZ` })), 403, 'OrganizationId');
    await refused(outbound(outboundXml({ orgId: ORG_ID.toLowerCase() })), 403, 'OrganizationId');
    expect((await outbound(outboundXml({ orgId: ORG_ID_15 }))).status).toBe(200);
    expect((await outbound(outboundXml({ orgId: ORG_ID }))).status).toBe(200);
    expect((await app.footprint()).inbox).toBe(1);
  });

  it('at = 2026-02-31, year 9999 or a number 1e999 is 400 naming the field', async () => {
    await refused(events(apiEvent({ at: '2026-02-31T10:00:00Z' })), 400, 'at');
    await refused(events(apiEvent({ at: '2026-02-31' })), 400, 'at');
    await refused(events(apiEvent({ at: '9999-01-01T00:00:00Z' })), 400, 'at');
    await refused(events(apiEvent({ at: '1969-12-31T23:59:59Z' })), 400, 'at');
    await refused(events(apiEvent({ at: '2026-12-01T24:00:00Z' })), 400, 'at');
    await refused(
      events(
        '{"id":"n","email":"ana@corp.example","type":"page_view","at":"2026-12-01T11:00:00Z","properties":{"score":1e999}}',
      ),
      400,
      'properties.score',
    );
    await refused(
      signed(JSON.stringify({ changes: [{ sobject: 'Lead', id: '00Q5g00000AbCdEEAV', at: '2026-02-30T00:00:00Z' }] })),
      400,
      'changes.0.at',
    );
    expect((await fetch(app.url + '/api/funnel?from=2026-02-31', { headers: bearer })).status).toBe(400);
  });

  it('an email with invalid UTF-8, NUL or a zero-width space is 400; spaces and capitals are normalized', async () => {
    const prefix = Buffer.from('{"id":"u","email":"ana');
    const suffix = Buffer.from('@corp.example","type":"page_view","at":"2026-12-01T11:00:00Z"}');
    await refused(
      post('/api/events', Buffer.concat([prefix, Buffer.from([0xff, 0xfe]), suffix]), { ...json, ...bearer }),
      400,
      'body',
    );
    for (const email of [
      'ana\u0000@corp.example',
      'ana\u200b@corp.example',
      'ana@corp\ufeff.example',
      '\ud800ana@corp.example',
      'ana\ufffd@corp.example',
    ]) {
      await refused(events(apiEvent({ email })), 400, 'email');
    }
    const ok = await events(apiEvent({ email: '  Ana@Corp.Example ' }));
    expect(ok.status).toBe(202);
    const [row] = await dbOf(ts).selectFrom('inbox').select('body').execute();
    expect(JSON.parse(row.body).event.email).toBe('ana@corp.example');
  });

  it('text/plain or application/xml bodies on JSON routes are 415; the Outbound Message route takes XML only', async () => {
    const body = JSON.stringify(apiEvent());
    for (const type of [
      'text/plain',
      'application/xml',
      'application/x-www-form-urlencoded',
      'application/json; charset=latin1',
    ]) {
      await refused(post('/api/events', body, { ...bearer, 'content-type': type }), 415, 'content-type');
      await refused(
        post('/api/people/ana%40corp.example/feedback', '{"decision":"accept"}', { ...bearer, 'content-type': type }),
        415,
        'content-type',
      );
      await refused(
        post('/webhooks/salesforce', '{"changes":[]}', {
          'content-type': type,
          'x-baton-signature': batonSignature('{"changes":[]}'),
        }),
        415,
        'content-type',
      );
      const hs = JSON.stringify([hubspotEvent()]);
      await refused(
        post('/webhooks/hubspot', hs, {
          ...hubspotHeaders(`${app.url}/webhooks/hubspot`, hs, app.clock.now),
          'content-type': type,
        }),
        415,
        'content-type',
      );
    }
    await refused(
      post('/webhooks/salesforce/outbound', outboundXml(), { 'content-type': 'application/json' }),
      415,
      'content-type',
    );
    expect(
      (
        await post('/webhooks/salesforce/outbound', outboundXml(), {
          'content-type': 'application/soap+xml; charset=UTF-8',
        })
      ).status,
    ).toBe(200);
    // Refused like any bad input: counted on /metrics, not only answered.
    const metrics = (await (await fetch(`${app.url}/metrics`)).text()).split('\n');
    const refusedEvents = metrics.find(
      (l) =>
        l.startsWith('baton_input_rejected_total{') &&
        l.includes('route="/api/events"') &&
        l.includes('reason="unsupported_media_type"'),
    );
    expect(Number(refusedEvents?.split(' ').at(-1))).toBe(4);
  });

  it('a bad-input log line quotes no email, whatever form it takes', async () => {
    const lines: string[] = [];
    const transport = new winston.transports.Stream({
      stream: new Writable({ write: (chunk, _e, cb) => (lines.push(String(chunk)), cb()) }),
    });
    const level = logger.level;
    logger.level = 'info';
    logger.add(transport);
    try {
      await events('{"id":"x","email":"a@b.c","type":"page_view","at":"2026-12-01T11:00:00Z","root@localhost":1}');
      await events('{"a@b.c": root@localhost}');
      await events(apiEvent({ email: 'root@localhost', type: 'a@b.c' }));
      await signed(JSON.stringify({ changes: [{ sobject: 'a@b.c', id: 'root@localhost' }] }));
      await hubspot(JSON.stringify([hubspotEvent({ subscriptionType: 'root@localhost' })]));
    } finally {
      logger.remove(transport);
      logger.level = level;
    }
    expect(lines.length).toBeGreaterThan(0);
    for (const line of lines) {
      expect(line).not.toContain('a@b.c');
      expect(line).not.toContain('root@localhost');
    }
  });
});

describe('found beside the table', () => {
  it('an Outbound Message of more than 100 notifications is 400', async () => {
    await refused(outbound(outboundXml({ notes: 101 })), 400, 'Notification');
    expect((await outbound(outboundXml({ notes: 100 }))).status).toBe(200);
  });

  it('/webhooks/salesforce errors name the field', async () => {
    await refused(signed(JSON.stringify({ changes: [{ sobject: 'Lead', id: 'nope' }] })), 400, 'changes.0.id');
    await refused(signed('{"changes":'), 400, 'body');
  });

  it('a signed Salesforce change while the Salesforce connector is off is 404 connector_off, not 200 and dropped', async () => {
    const off = await serveEdge(ts.store, { salesforce: false });
    try {
      const body = JSON.stringify({ changes: [{ sobject: 'Lead', id: '00Q5g00000AbCdEEAV' }] });
      const r = await fetch(off.url + '/webhooks/salesforce', {
        method: 'POST',
        body,
        headers: { ...json, 'x-baton-signature': batonSignature(body) },
      });
      expect(r.status).toBe(404);
      expect(await r.json()).toMatchObject({ error: 'connector_off' });
      expect((await off.footprint()).inbox).toBe(0);
    } finally {
      await off.close();
    }
  });
});
