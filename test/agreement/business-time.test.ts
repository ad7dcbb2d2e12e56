import { describe, expect, it } from 'vitest';
import { compileBusinessHours, zoneOffset } from '../../src/agreement/business-time.ts';

const H = 3_600_000;
const ny = compileBusinessHours({
  tz: 'America/New_York',
  days: ['mon', 'tue', 'wed', 'thu', 'fri'],
  from: '09:00',
  to: '17:00',
});
const due = (start: string, hours: number) => new Date(ny(Date.parse(start), hours * H)).toISOString();

describe('business hours, America/New_York, mon–fri 09:00–17:00', () => {
  it.each([
    ['inside hours, same day', '2026-11-02T15:00:00Z' /* Mon 10:00 EST */, 4, '2026-11-02T19:00:00.000Z'],
    ['ends exactly at closing', '2026-11-02T14:00:00Z' /* Mon 09:00 */, 8, '2026-11-02T22:00:00.000Z'],
    ['a start before opening waits for it', '2026-11-02T10:00:00Z' /* Mon 05:00 */, 24, '2026-11-04T22:00:00.000Z'],
    [
      'a start at closing waits for the next day ([from, to))',
      '2026-11-02T22:00:00Z' /* Mon 17:00 */,
      1,
      '2026-11-03T15:00:00.000Z',
    ],
    ['across a weekend', '2026-11-06T21:00:00Z' /* Fri 16:00 */, 24, '2026-11-11T21:00:00.000Z'],
    ['a start on Saturday waits for Monday', '2026-11-07T15:00:00Z' /* Sat 10:00 */, 2, '2026-11-09T16:00:00.000Z'],
    [
      'across the March DST change',
      '2026-03-06T20:00:00Z' /* Fri 15:00 EST */,
      4,
      '2026-03-09T15:00:00.000Z' /* Mon 11:00 EDT */,
    ],
    [
      'across the November DST change',
      '2026-10-30T19:00:00Z' /* Fri 15:00 EDT */,
      4,
      '2026-11-02T16:00:00.000Z' /* Mon 11:00 EST */,
    ],
    ['a whole week of hours', '2026-11-02T14:00:00Z', 40, '2026-11-06T22:00:00.000Z'],
  ])('%s', (_name, start, hours, expected) => {
    expect(due(start, hours)).toBe(expected);
  });

  it('knows the zone offsets on both sides of each change', () => {
    const off = zoneOffset('America/New_York');
    expect(off(Date.parse('2026-03-08T06:59:00Z'))).toBe(-5 * H);
    expect(off(Date.parse('2026-03-08T07:00:00Z'))).toBe(-4 * H);
    expect(off(Date.parse('2026-11-01T05:59:00Z'))).toBe(-4 * H);
    expect(off(Date.parse('2026-11-01T06:00:00Z'))).toBe(-5 * H);
  });

  it('works in other zones and on weekends when listed', () => {
    const tokyo = compileBusinessHours({ tz: 'Asia/Tokyo', days: ['sat'], from: '10:00', to: '12:00' });
    // Saturday 2026-11-07 10:00 JST = 01:00Z; three hours need two Saturdays.
    expect(new Date(tokyo(Date.parse('2026-11-02T00:00:00Z'), 3 * H)).toISOString()).toBe('2026-11-14T02:00:00.000Z');
  });

  it('refuses an unknown zone', () => {
    expect(() => compileBusinessHours({ tz: 'Mars/Olympus', days: ['mon'], from: '09:00', to: '17:00' })).toThrow(
      /IANA time zone/,
    );
  });
});
