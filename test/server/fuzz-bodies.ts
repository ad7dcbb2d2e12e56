/** fast-check generators of hostile request bodies for the fuzzer: valid ones mutated, wrong types, deep, huge, broken UTF-8, raw bytes. */
import fc from 'fast-check';
import { apiEvent } from './edge-harness.ts';

/** Over the 5 MB body limit: must be 413, never read into memory as JSON. */
const HUGE = Buffer.alloc(5 * 1024 * 1024 + 10, 0x20);
/** 1001 events: one more than a request may carry. */
export const TOO_MANY = Buffer.from(
  JSON.stringify(Array.from({ length: 1001 }, (_, i) => apiEvent({ id: `many-${i}` }))),
);

export const ascii = fc.string({ unit: 'binary-ascii', maxLength: 60 }).map((s) => s.replace(/[^\x20-\x7e]/g, ''));

/** Strings a field may hold: ordinary, empty, long, unicode (lone surrogates too), invisible characters, dates wrong and right. */
export const oddString = fc.oneof(
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
export const oddValue: fc.Arbitrary<unknown> = fc.oneof(
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
export function mutate(base: Record<string, unknown>): fc.Arbitrary<Record<string, unknown>> {
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
