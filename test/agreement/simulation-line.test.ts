import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { parseSimulationLine, surelyInstant } from '../../src/agreement/simulation.ts';
import { parseInstant } from '../../src/agreement/time.ts';

const digit = fc.constantFrom(...'0123456789'.split(''));
const noise = fc.constantFrom(...'0123456789-T:.Zx '.split(''));

describe('surelyInstant', () => {
  it('says yes only to times Date.parse reads', () => {
    // Strings shaped like the usual form, most characters digits, some noise.
    const shaped = fc
      .tuple(fc.array(digit, { minLength: 17, maxLength: 17 }), fc.array(noise, { minLength: 24, maxLength: 24 }))
      .chain(([d, n]) =>
        fc.constantFrom(
          `${d.slice(0, 4).join('')}-${d.slice(4, 6).join('')}-${d.slice(6, 8).join('')}T${d.slice(8, 10).join('')}:${d.slice(10, 12).join('')}:${d.slice(12, 14).join('')}Z`,
          `${d.slice(0, 4).join('')}-${d.slice(4, 6).join('')}-${d.slice(6, 8).join('')}T${d.slice(8, 10).join('')}:${d.slice(10, 12).join('')}:${d.slice(12, 14).join('')}.${d.slice(14, 17).join('')}Z`,
          n.join(''),
          n.slice(0, 20).join(''),
        ),
      );
    fc.assert(
      fc.property(
        fc.oneof(
          shaped,
          fc.date({ noInvalidDate: true }).map((d) => d.toISOString()),
        ),
        (s) => {
          if (surelyInstant(s)) expect(Number.isNaN(Date.parse(s))).toBe(false);
        },
      ),
      { numRuns: 5000 },
    );
    expect(surelyInstant('2026-11-23T00:00:00Z')).toBe(true);
    expect(surelyInstant('2026-02-29T00:00:00.000Z')).toBe(false); // left to Date.parse
  });

  it('gives each event the time the engine reads from it', () => {
    const read = parseSimulationLine(
      JSON.stringify({ email: 'a@b.example', events: [{ type: 'page_view', at: '2026-11-02T10:00:00.250Z' }] }),
    );
    expect('input' in read && read.input.events?.[0].atMs).toBe(parseInstant('2026-11-02T10:00:00.250Z'));
  });
});
