/** fast-check generators of hostile request headers for the fuzzer: content types, cookies (sessions live, dead, forged), origins, authorization. */
import fc from 'fast-check';
import { TOKEN } from './edge-harness.ts';
import { ascii } from './fuzz-bodies.ts';

export const contentType = (right: string) =>
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

export const put = (h: Record<string, string | undefined>): Record<string, string> =>
  Object.fromEntries(Object.entries(h).filter((e): e is [string, string] => e[1] !== undefined && e[1] !== ''));

/** Common headers of a request made by a browser or a script, fuzzed. */
export function common(ctx: RouteContext) {
  return fc.record({
    cookie: cookies(ctx.session),
    origin: origins(ctx.url),
    authorization,
    'sec-fetch-site': fc
      .option(fc.constantFrom('same-origin', 'cross-site', 'none', 'same-site'), { freq: 3 })
      .map((v) => v ?? undefined),
  });
}
