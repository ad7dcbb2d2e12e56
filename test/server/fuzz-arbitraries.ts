/**
 * fast-check generators of hostile requests for the fuzzer: bodies (valid, wrong types, deep,
 * huge, broken UTF-8, raw bytes), headers and cookies (forged signatures, sessions, origins,
 * content types), per route.
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

export interface FuzzRequest {
  method: 'GET' | 'POST';
  path: string;
  headers: Record<string, string>;
  body?: Buffer;
}

/** Over the 5 MB body limit: must be 413, never read into memory as JSON. */
const HUGE = Buffer.alloc(5 * 1024 * 1024 + 10, 0x20);
/** 1001 events: one more than a request may carry. */
const TOO_MANY = Buffer.from(JSON.stringify(Array.from({ length: 1001 }, (_, i) => apiEvent({ id: `many-${i}` }))));

const ascii = fc.string({ unit: 'binary-ascii', maxLength: 60 }).map((s) => s.replace(/[^\x20-\x7e]/g, ''));

/** Strings a field may hold: ordinary, empty, long, unicode (lone surrogates too), invisible characters, dates wrong and right. */
const oddString = fc.oneof(
  fc.string({ maxLength: 40 }),
  fc.string({ unit: 'binary', maxLength: 40 }),
  fc.constantFrom(
    '',
    ' ',
    'ana@corp.example',
    ' Ana@Corp.Example ',
    'a@b.c',
    'root@localhost',
    'ana\u200b@corp.example',
    'ana\u0000@corp.example',
    '\ud800@x.y',
    'ana\ufffd@x.y',
  ),
  fc.constantFrom(
    '2026-02-31T00:00:00Z',
    '9999-01-01T00:00:00Z',
    '2026-12-01T25:00:00Z',
    '2026-12-01',
    'garbage',
    '1969-12-31T23:59:59Z',
    '2026-12-01T11:00:00+0100',
    '+275760-09-13T00:00:00Z',
  ),
  fc.nat(3000).map((n) => 'x'.repeat(n)),
);

/** Any JSON value, odd strings and numbers among them; `"__NUM__"` becomes a raw `1e999` in the text. */
const oddValue: fc.Arbitrary<unknown> = fc.oneof(
  { weight: 3, arbitrary: fc.jsonValue({ maxDepth: 3 }) },
  { weight: 3, arbitrary: oddString },
  {
    weight: 1,
    arbitrary: fc.constantFrom('__NUM__', 8640000000000001, -1, 1.5, 2 ** 53, Number.MAX_VALUE, null, true, [], {}),
  },
);

const deepJson = fc
  .tuple(fc.integer({ min: 1, max: 20_000 }), fc.boolean())
  .map(([n, arr]) => (arr ? `${'['.repeat(n)}1${']'.repeat(n)}` : `${'{"a":'.repeat(n)}1${'}'.repeat(n)}`));

const withRawNumbers = (text: string) =>
  text.replace(
    /"__NUM__"/g,
    () => ['1e999', '-1e999', '1e-999', '123456789012345678901234567890'][Math.floor(text.length % 4)],
  );

/** Breaks a text's UTF-8 at a position with an invalid byte sequence. */
function breakUtf8(text: string, at: number, bad: number[]): Buffer {
  const b = Buffer.from(text);
  const i = Math.min(at, b.length);
  return Buffer.concat([b.subarray(0, i), Buffer.from(bad), b.subarray(i)]);
}

/** Bodies around a structured generator `valid` (a JSON text): mutations of it, and generic garbage. */
export function bodies(valid: fc.Arbitrary<string>): fc.Arbitrary<Buffer> {
  return fc.oneof(
    { weight: 48, arbitrary: valid.map((s) => Buffer.from(withRawNumbers(s))) },
    { weight: 8, arbitrary: fc.jsonValue({ maxDepth: 4 }).map((v) => Buffer.from(JSON.stringify(v) ?? 'null')) },
    { weight: 8, arbitrary: deepJson.map((s) => Buffer.from(s)) },
    {
      weight: 8,
      arbitrary: fc
        .tuple(
          valid,
          fc.nat(400),
          fc.constantFrom<number[]>(
            [0xff],
            [0xc0, 0x80],
            [0xed, 0xa0, 0x80],
            [0xe2, 0x82],
            [0xf8, 0x88, 0x80, 0x80, 0x80],
          ),
        )
        .map(([s, at, bad]) => breakUtf8(s, at, bad)),
    },
    { weight: 4, arbitrary: fc.uint8Array({ maxLength: 600 }).map((a) => Buffer.from(a)) },
    { weight: 4, arbitrary: fc.string({ unit: 'binary', maxLength: 200 }).map((s) => Buffer.from(s)) },
    { weight: 4, arbitrary: fc.tuple(valid, fc.nat(300)).map(([s, n]) => Buffer.from(s.slice(0, n))) },
    {
      weight: 4,
      arbitrary: fc.constantFrom(
        Buffer.alloc(0),
        Buffer.from('null'),
        Buffer.from('{}'),
        Buffer.from('[]'),
        Buffer.from('"x"'),
        Buffer.from('{"__proto__":{"x":1}}'),
        Buffer.from('{"constructor":{"prototype":{}}}'),
      ),
    },
    // Rare: each costs 5 MB on the loopback.
    { weight: 1, arbitrary: fc.constant(HUGE) },
  );
}

/** An object with `base`'s keys, each kept, replaced by an odd value, or dropped; sometimes an extra key. */
function mutate(base: Record<string, unknown>): fc.Arbitrary<Record<string, unknown>> {
  const keys = Object.keys(base);
  const changed = fc
    .tuple(
      fc.array(fc.tuple(fc.nat(keys.length - 1), fc.integer({ min: 0, max: 2 }), oddValue), { maxLength: 3 }),
      fc.option(fc.tuple(ascii, oddValue), { freq: 2 }),
    )
    .map(([changes, extra]) => {
      const out: Record<string, unknown> = { ...base };
      for (const [k, how, v] of changes) {
        if (how === 0) delete out[keys[k]];
        else out[keys[k]] = v;
      }
      if (extra) out[extra[0]] = extra[1];
      return out;
    });
  // A third as sent (only ids varied, so not every one is a duplicate), so the routes' accepting paths run too.
  const asSent = fc
    .nat(1_000_000)
    .map((n) =>
      'id' in base || 'eventId' in base
        ? { ...base, ...('eventId' in base ? { eventId: n } : { id: `fz-${n}` }) }
        : { ...base },
    );
  return fc.oneof({ weight: 1, arbitrary: asSent }, { weight: 2, arbitrary: changed });
}

const contentType = (right: string) =>
  fc.oneof(
    { weight: 10, arbitrary: fc.constant(right) },
    {
      weight: 2,
      arbitrary: fc.constantFrom(
        '',
        'text/plain',
        'application/xml',
        'application/json; charset=latin1',
        'multipart/form-data; boundary=x',
        `${right}; charset=utf-8`,
        'application/x-www-form-urlencoded',
        ';;;',
        'application/vnd.api+json',
      ),
    },
    { weight: 1, arbitrary: ascii },
  );

/** Cookies: none, the live session, a logged-out one, undecodable, forged, or many. */
export function cookies(session: () => { live: string; dead: string }): fc.Arbitrary<string | undefined> {
  return fc.oneof(
    { weight: 6, arbitrary: fc.constant(undefined) },
    { weight: 2, arbitrary: fc.constant('live').map(() => session().live) },
    { weight: 1, arbitrary: fc.constant('dead').map(() => session().dead) },
    {
      weight: 2,
      arbitrary: fc.constantFrom(
        'baton_session=%',
        'baton_session=%E0%A4%A',
        'baton_session=',
        'baton_session',
        '=;=;',
        `baton_session=${'A'.repeat(43)}`,
        `baton_session=${TOKEN}`,
      ),
    },
    { weight: 1, arbitrary: ascii.map((s) => `baton_session=${s}`) },
    { weight: 1, arbitrary: fc.array(ascii, { maxLength: 30 }).map((parts) => parts.join('; ')) },
  );
}

const origins = (own: string) =>
  fc.oneof(
    { weight: 3, arbitrary: fc.constant(undefined) },
    { weight: 3, arbitrary: fc.constant(own) },
    {
      weight: 2,
      arbitrary: fc.constantFrom(
        'null',
        'https://evil.example',
        own.replace('http:', 'https:'),
        'http://127.0.0.1',
        'file://',
      ),
    },
    { weight: 1, arbitrary: ascii },
  );

const authorization = fc.oneof(
  { weight: 4, arbitrary: fc.constant(undefined) },
  { weight: 3, arbitrary: fc.constant(`Bearer ${TOKEN}`) },
  {
    weight: 1,
    arbitrary: fc.constantFrom('Bearer', 'Bearer ', `Bearer ${TOKEN}x`, `bearer ${TOKEN}`, `Basic ${TOKEN}`),
  },
  { weight: 1, arbitrary: ascii },
);

export interface RouteContext {
  url: string;
  now: () => Date;
  session: () => { live: string; dead: string };
}

const put = (h: Record<string, string | undefined>): Record<string, string> =>
  Object.fromEntries(Object.entries(h).filter((e): e is [string, string] => e[1] !== undefined && e[1] !== ''));

/** Common headers of a request made by a browser or a script, fuzzed. */
function common(ctx: RouteContext) {
  return fc.record({
    cookie: cookies(ctx.session),
    origin: origins(ctx.url),
    authorization,
    'sec-fetch-site': fc
      .option(fc.constantFrom('same-origin', 'cross-site', 'none', 'same-site'), { freq: 3 })
      .map((v) => v ?? undefined),
  });
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
