import { describe, expect, it } from 'vitest';
import { toCrmValue, toVocab } from '../../src/mapping/convert.ts';
import { isBlank, normalizeEmail } from '../../src/mapping/normalize.ts';
import { isoUtc, parseInstant } from '../../src/mapping/time.ts';

describe('normalizeEmail', () => {
  it.each([
    ['  Ana@Corp.Example ', 'ana@corp.example'],
    ['ana@corp.example', 'ana@corp.example'],
    ['', null],
    ['   ', null],
    [null, null],
    [undefined, null],
    [42, null],
  ])('%j → %j', (input, expected) => {
    expect(normalizeEmail(input)).toBe(expected);
  });
});

describe('isBlank', () => {
  it.each([
    [undefined, true],
    [null, true],
    ['', true],
    ['  ', true],
    ['x', false],
    [0, false],
    [false, false],
  ])('%j → %j', (v, expected) => expect(isBlank(v)).toBe(expected));
});

describe('toVocab', () => {
  it.each([
    ['string', 'VP', 'VP'],
    ['string', 850, '850'],
    ['string', true, 'true'],
    ['number', '850', 850],
    ['number', '-1.5', -1.5],
    ['number', 850, 850],
    ['number', ' 12 ', 12],
    ['boolean', 'true', true],
    ['boolean', 'FALSE', false],
    ['boolean', true, true],
    ['boolean', '1', true],
    ['date', '2026-11-20', '2026-11-20'],
    ['date', '1779235200000', '2026-05-20'],
    ['date', 1779235200000, '2026-05-20'],
    ['date', '2026-11-20T00:00:00Z', '2026-11-20'],
    ['date', '2026-11-20T23:30:00-02:00', '2026-11-21'],
    ['datetime', '2026-11-20T14:03:00.000+0000', '2026-11-20T14:03:00Z'],
    ['datetime', '2026-11-20T14:03:00.250Z', '2026-11-20T14:03:00.250Z'],
    ['datetime', '2026-11-20T15:03:00+01:00', '2026-11-20T14:03:00Z'],
    ['datetime', '1779286980000', '2026-05-20T14:23:00Z'],
    ['datetime', '2026-11-20', '2026-11-20T00:00:00Z'],
    ['number', '', null],
    ['date', null, null],
  ] as const)('%s %j → %j', (type, raw, expected) => {
    expect(toVocab(type, raw)).toEqual({ ok: true, value: expected });
  });

  it.each([
    ['number', '1,200'],
    ['number', 'abc'],
    ['number', Number.NaN],
    ['number', {}],
    ['boolean', 'yes please'],
    ['date', '2026-02-30'],
    ['date', 'next tuesday'],
    ['datetime', '2026-13-01T00:00:00Z'],
    ['datetime', 'soon'],
    ['string', { a: 1 }],
  ] as const)('%s %j does not convert', (type, raw) => {
    const result = toVocab(type, raw);
    expect(result.ok).toBe(false);
    if (!result.ok) expect(result.message).toMatch(`expected a ${type}`);
  });
});

describe('toCrmValue', () => {
  it.each([
    ['number', 'hubspot', 850, '850'],
    ['number', 'salesforce', 850, 850],
    ['number', 'salesforce', '850', 850],
    ['boolean', 'hubspot', true, 'true'],
    ['boolean', 'salesforce', false, false],
    ['date', 'hubspot', '2026-11-20', '2026-11-20'],
    ['date', 'salesforce', '2026-11-20', '2026-11-20'],
    ['datetime', 'hubspot', '2026-11-20T14:03:00Z', '2026-11-20T14:03:00Z'],
    ['datetime', 'salesforce', '2026-11-20T14:03:00+0000', '2026-11-20T14:03:00Z'],
    ['string', 'hubspot', null, ''],
    ['string', 'salesforce', '', null],
    ['number', 'salesforce', null, null],
  ] as const)('%s to %s: %j → %j', (type, crm, value, expected) => {
    expect(toCrmValue(type, crm, value)).toEqual({ ok: true, value: expected });
  });

  it('refuses a value that is not of the type', () => {
    expect(toCrmValue('number', 'salesforce', 'many').ok).toBe(false);
  });
});

describe('time', () => {
  it('spells instants in UTC without zero milliseconds', () => {
    expect(isoUtc(Date.UTC(2026, 10, 24, 14))).toBe('2026-11-24T14:00:00Z');
    expect(isoUtc(Date.UTC(2026, 10, 24, 14, 0, 0, 5))).toBe('2026-11-24T14:00:00.005Z');
  });
  it('reads a zone-less date-time as UTC', () => {
    expect(parseInstant('2026-11-24T14:00:00')).toBe(Date.UTC(2026, 10, 24, 14));
  });
});
