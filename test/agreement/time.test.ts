import { describe, expect, it } from 'vitest';
import { formatInstant, parseInstant } from '../../src/agreement/time.ts';

describe('instants', () => {
  it.each([
    '2026-11-02T10:00:00Z',
    '2026-11-02T10:00:00.123Z',
    '1999-12-31T23:59:59Z',
    '2024-02-29T12:00:00Z',
    '2026-11-02T10:00:00+01:00',
    '2026-11-02',
  ])('reads %s like Date.parse', (s) => expect(parseInstant(s)).toBe(Date.parse(s)));

  it('agrees with Date.parse on many instants', () => {
    for (let t = Date.parse('1971-01-01T00:00:00Z'); t < Date.parse('2100-01-01T00:00:00Z'); t += 86_399_937 * 13) {
      const s = new Date(t).toISOString();
      expect(parseInstant(s)).toBe(t);
    }
  });

  it('refuses what is not a time', () => {
    expect(() => parseInstant('soon')).toThrow(/not an ISO 8601 time/);
    expect(() => parseInstant('2026-13-02T10:00:00Z')).toThrow();
  });

  it('prints seconds, and milliseconds only when there are some', () => {
    expect(formatInstant(Date.parse('2026-11-02T10:00:00Z'))).toBe('2026-11-02T10:00:00Z');
    expect(formatInstant(Date.parse('2026-11-02T10:00:00.5Z'))).toBe('2026-11-02T10:00:00.500Z');
  });
});
