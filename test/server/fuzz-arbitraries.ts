/**
 * fast-check generators of hostile requests for the fuzzer, per route: valid requests of each
 * route (events, HubSpot deliveries, Outbound Messages, queries, person keys) under the hostile
 * bodies of `fuzz-bodies.ts` and the headers of `fuzz-headers.ts` (forged signatures among them).
 */
import fc from 'fast-check';
import {
  apiEvent,
  batonSignature,
  hubspotEvent,
  hubspotHeaders,
  ORG_ID,
  ORG_ID_15,
  outboundXml,
  TOKEN,
} from './edge-harness.ts';
import { ascii, bodies, mutate, oddString, oddValue, TOO_MANY } from './fuzz-bodies.ts';
import { common, contentType, put, type RouteContext } from './fuzz-headers.ts';

export type { RouteContext };

export interface FuzzRequest {
  method: 'GET' | 'POST';
  path: string;
  headers: Record<string, string>;
  body?: Buffer;
}

const validEvents = fc.oneof(
  mutate(apiEvent({ id: 'fz-1', properties: { campaign: 'c', n: 1 } })).map((e) => JSON.stringify(e)),
  fc.array(mutate(apiEvent()), { minLength: 0, maxLength: 4 }).map((a) => JSON.stringify(a)),
  mutate(apiEvent())
    .chain((e) => fc.tuple(fc.constant(e), oddValue))
    .map(([e, v]) => JSON.stringify({ ...e, properties: v })),
);

const validHubSpot = fc.oneof(
  fc.array(mutate(hubspotEvent()), { minLength: 0, maxLength: 3 }).map((a) => JSON.stringify(a)),
  mutate(hubspotEvent()).map((e) => JSON.stringify(e)),
  fc.constant(JSON.stringify(Array.from({ length: 101 }, (_, i) => hubspotEvent({ eventId: i })))),
);

const sfId = fc.oneof(
  fc.constantFrom('00Q5g00000AbCdEEAV', '00Q5g00000AbCdE', '003000000000001AAA', 'nope', ''),
  fc.stringMatching(/^[a-zA-Z0-9]{15,18}$/),
);
const validChanges = fc.oneof(
  fc
    .array(
      mutate({
        sobject: 'Lead',
        id: '00Q5g00000AbCdEEAV',
        at: '2026-12-01T11:00:00Z',
        fields: { Email: 'ana@corp.example' },
      }),
      { minLength: 0, maxLength: 3 },
    )
    .map((changes) => JSON.stringify({ changes })),
  fc
    .tuple(fc.constantFrom('Lead', 'Contact', 'Task', 'lead'), sfId, oddValue)
    .map(([sobject, id, at]) => JSON.stringify({ changes: [{ sobject, id, at }] })),
  oddValue.map((v) => JSON.stringify({ changes: v })),
);

const xmlText = (s: string) => s.replace(/&/g, '&amp;').replace(/</g, '&lt;');
const validOutbound = fc.oneof(
  {
    weight: 6,
    arbitrary: fc
      .record({
        orgId: fc.oneof(
          fc.constantFrom(ORG_ID, ORG_ID_15, `${ORG_ID_15}ZZZ`, ORG_ID.toLowerCase(), '', '00D000000000001AAA'),
          ascii.map(xmlText),
        ),
        notes: fc.oneof(fc.integer({ min: 0, max: 3 }), fc.constant(101)),
        stamp: oddString.map((s) => xmlText(s.replace(/[^\x20-\x7e]/g, ''))),
        id: sfId,
      })
      .map((o) => outboundXml({ orgId: o.orgId, notes: o.notes, fields: { SystemModstamp: o.stamp, Id: o.id } })),
  },
  {
    weight: 1,
    arbitrary: fc
      .integer({ min: 1, max: 20_000 })
      .map(
        (n) =>
          `<?xml version="1.0"?><soapenv:Envelope xmlns:soapenv="http://schemas.xmlsoap.org/soap/envelope/"><soapenv:Body>${'<a>'.repeat(n)}${'</a>'.repeat(n)}</soapenv:Body></soapenv:Envelope>`,
      ),
  },
  {
    weight: 1,
    arbitrary: fc.constantFrom(
      '<!DOCTYPE x [<!ENTITY a "aaaaaaaaaa"><!ENTITY b "&a;&a;&a;&a;&a;&a;&a;&a;&a;&a;"><!ENTITY c "&b;&b;&b;&b;&b;&b;&b;&b;&b;&b;">]><x>&c;&c;&c;</x>',
      '<x',
      '<?xml version="1.0"?>',
      '<notifications/>',
      outboundXml().replace('<Notification>', '<Notification><Notification>'),
      outboundXml().replace(/<sObject[^>]*>/, '<sObject>'),
    ),
  },
);

const query = (names: string[]) =>
  fc
    .array(
      fc.tuple(
        fc.constantFrom(...names, 'x'),
        fc.oneof(oddString, fc.constantFrom('2026-11-01', '2026-11-01T00:00:00Z', 'w_shaped', 'first_touch')),
      ),
      { maxLength: 3 },
    )
    .map((pairs) =>
      pairs.length
        ? `?${pairs.map(([k, v]) => `${k}=${encodeURIComponent(v.replace(/[\ud800-\udfff]/g, ''))}`).join('&')}`
        : '',
    );

const personKey = fc.oneof(
  fc.constantFrom(
    'ana%40corp.example',
    'nobody%40corp.example',
    'hubspot%3A5100',
    'salesforce%3A00Q5g0000000000AAA',
    '%',
    '%E0%A4%A',
    'not-a-key',
    '..',
    '%00',
  ),
  ascii.map(encodeURIComponent),
);

/** Every route's generator of requests. */
export function routes(ctx: RouteContext): Record<string, fc.Arbitrary<FuzzRequest>> {
  const post = (
    path: fc.Arbitrary<string>,
    type: string,
    body: fc.Arbitrary<Buffer>,
    extra: (b: Buffer, path: string) => fc.Arbitrary<Record<string, string | undefined>> = () => fc.constant({}),
  ) =>
    fc.tuple(path, body, contentType(type), common(ctx)).chain(([p, b, t, h]) =>
      extra(b, p).map((x) => ({
        method: 'POST' as const,
        path: p,
        body: b,
        headers: put({ ...h, 'content-type': t, ...x }),
      })),
    );
  const get = (path: fc.Arbitrary<string>) =>
    fc.tuple(path, common(ctx)).map(([p, h]) => ({ method: 'GET' as const, path: p, headers: put(h) }));
  const hubspotSig = (b: Buffer, path: string) =>
    fc
      .oneof(
        { weight: 4, arbitrary: fc.constant(hubspotHeaders(`${ctx.url}${path}`, b.toString('utf8'), ctx.now())) },
        {
          weight: 1,
          arbitrary: fc.record({
            'x-hubspot-signature-v3': ascii,
            'x-hubspot-request-timestamp': fc.oneof(ascii, fc.constant(String(ctx.now().getTime()))),
          }),
        },
        {
          weight: 1,
          arbitrary: fc.constant(
            hubspotHeaders(`${ctx.url}${path}`, b.toString('utf8'), new Date(ctx.now().getTime() - 10 * 60_000)),
          ),
        },
      )
      .map((h) => {
        // the fuzzed content type stays
        const { 'content-type': _type, ...rest } = h as Record<string, string>;
        return rest;
      });
  const batonSig = (b: Buffer) =>
    fc
      .oneof(
        { weight: 4, arbitrary: fc.constant(batonSignature(b)) },
        {
          weight: 1,
          arbitrary: fc.constantFrom(
            undefined,
            'sha256=',
            `sha256=${'0'.repeat(64)}`,
            batonSignature(Buffer.concat([b, Buffer.from(' ')])),
          ),
        },
        { weight: 1, arbitrary: ascii },
      )
      .map((s) => ({ 'x-baton-signature': s }));
  const form = fc
    .oneof(
      fc.constant(`token=${TOKEN}`),
      fc.constant('token=wrong'),
      ascii,
      fc.constant(`token=${TOKEN}&token=x`),
      fc.constant('token=%'),
      fc.nat(5000).map((n) => `token=${'a'.repeat(n)}`),
    )
    .map((s) => Buffer.from(s));
  return {
    'POST /api/events': fc.oneof(
      post(fc.constant('/api/events'), 'application/json', bodies(validEvents), (b) =>
        fc.tuple(batonSig(b), fc.boolean()).map(([s, use]) => (use ? s : {})),
      ),
      post(fc.constant('/api/events'), 'application/json', fc.constant(TOO_MANY)),
    ),
    'POST /api/people/:key/feedback': post(
      personKey.map((k) => `/api/people/${k}/feedback`),
      'application/json',
      bodies(mutate({ decision: 'reject', reason: 'no_budget' }).map((o) => JSON.stringify(o))),
    ),
    'GET /api/people/:key': get(personKey.map((k) => `/api/people/${k}`)),
    'GET /api/funnel': get(query(['from', 'to']).map((q) => `/api/funnel${q}`)),
    'GET /api/attribution': get(query(['from', 'to', 'model']).map((q) => `/api/attribution${q}`)),
    'GET /api/dashboard': get(query(['from', 'to']).map((q) => `/api/dashboard${q}`)),
    'POST /webhooks/hubspot': post(
      fc.constantFrom('/webhooks/hubspot', '/webhooks/hubspot?x=1'),
      'application/json',
      bodies(validHubSpot),
      hubspotSig,
    ),
    'POST /webhooks/salesforce': post(
      fc.constant('/webhooks/salesforce'),
      'application/json',
      bodies(validChanges),
      batonSig,
    ),
    'POST /webhooks/salesforce/outbound': post(
      fc.constant('/webhooks/salesforce/outbound'),
      'text/xml; charset=utf-8',
      fc.oneof(
        { weight: 8, arbitrary: validOutbound.map((s) => Buffer.from(s)) },
        { weight: 2, arbitrary: bodies(validOutbound) },
      ),
    ),
    'POST /login': post(
      fc.constant('/login'),
      'application/x-www-form-urlencoded',
      fc.oneof({ weight: 6, arbitrary: form }, { weight: 1, arbitrary: bodies(fc.constant('token=x')) }),
    ),
    'POST /logout': post(fc.constant('/logout'), 'application/x-www-form-urlencoded', fc.constant(Buffer.alloc(0))),
    'GET / and health': get(
      fc.constantFrom(
        '/',
        '/healthz',
        '/readyz',
        '/metrics',
        '/assets/app.css',
        '/assets/..%2F..%2Fpackage.json',
        '/nothing',
        '/api/nothing',
      ),
    ),
  };
}
