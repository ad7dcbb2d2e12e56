import { describe, expect, it } from 'vitest';
import { asNumber, compileOperators, isMissing } from '../../src/agreement/values.ts';

describe('missing and numbers', () => {
  it.each([
    [undefined, true],
    [null, true],
    ['', true],
    ['   ', true],
    [0, false],
    [false, false],
    ['x', false],
  ])('isMissing(%j) = %s', (v, expected) => expect(isMissing(v)).toBe(expected));

  it.each([
    [850, 850],
    ['850', 850],
    ['-1.5', -1.5],
    [' 42 ', 42],
    ['1,200', NaN],
    ['1e3', NaN],
    ['12abc', NaN],
    [true, NaN],
    [Infinity, NaN],
  ])('asNumber(%j) = %s', (v, expected) => expect(asNumber(v)).toBe(expected));
});

type Row = [string, Record<string, unknown>, unknown, boolean];

const rows: Row[] = [
  // eq: String(a) === String(b)
  ['eq string', { eq: 'Qualified' }, 'Qualified', true],
  ['eq is case-sensitive', { eq: 'Qualified' }, 'qualified', false],
  ['eq number vs numeric string', { eq: 850 }, '850', true],
  ['eq boolean', { eq: true }, 'true', true],
  ['eq "850.0" vs 850 compares strings', { eq: 850 }, '850.0', false],
  ['eq on missing', { eq: 'x' }, undefined, false],
  ['eq on a list', { eq: 'a' }, ['a'], false],
  // ne
  ['ne different', { ne: 'a' }, 'b', true],
  ['ne same', { ne: 'a' }, 'a', false],
  ['ne on missing holds', { ne: 'a' }, null, true],
  ['ne on blank holds', { ne: 'a' }, '  ', true],
  // in / nin
  ['in member', { in: ['US', 'CA'] }, 'CA', true],
  ['in non-member', { in: ['US', 'CA'] }, 'FR', false],
  ['in numbers as strings', { in: [1, 2] }, '2', true],
  ['in on missing', { in: ['US'] }, undefined, false],
  ['nin non-member', { nin: ['US'] }, 'FR', true],
  ['nin member', { nin: ['US'] }, 'US', false],
  ['nin on missing holds', { nin: ['US'] }, undefined, true],
  // gt gte lt lte
  ['gte numbers', { gte: 200 }, 850, true],
  ['gte boundary', { gte: 200 }, 200, true],
  ['gt boundary', { gt: 200 }, 200, false],
  ['lt numbers', { lt: 200 }, 199.5, true],
  ['lte boundary', { lte: 200 }, 200, true],
  ['gte numeric string field', { gte: 200 }, '850', true],
  ['gte numeric string on both sides compares numbers', { gte: '1000' }, '999', false],
  ['gte "1,200" is not a number', { gte: 200 }, '1,200', false],
  ['gt strings compare as strings (ISO dates)', { gt: '2026-01-01' }, '2026-11-02', true],
  ['lt strings', { lt: 'b' }, 'a', true],
  ['gt number vs non-number string does not hold', { gt: 5 }, 'abc', false],
  ['gt string vs number does not hold', { gt: 'abc' }, 5, false],
  ['gte on missing', { gte: 0 }, undefined, false],
  ['lte on blank', { lte: 10 }, '', false],
  // matches
  ['matches', { matches: '@(gmail|yahoo)\\.' }, 'a@gmail.com', true],
  ['matches is case-sensitive', { matches: '\\bvp\\b' }, 'VP Sales', false],
  ['matches (?i)', { matches: '(?i)\\bvp\\b' }, 'VP Sales', true],
  ['matches a number', { matches: '^8' }, 850, true],
  ['matches on missing', { matches: '.*' }, undefined, false],
  ['matches a literal pattern as a substring', { matches: '/pricing' }, '/pricing/enterprise', true],
  ['a literal pattern is case-sensitive', { matches: '/pricing' }, '/PRICING', false],
  ['(?i) on a literal', { matches: '(?i)/pricing' }, '/PRICING', true],
  ['an anchored pattern is a regex', { matches: '^/pricing$' }, '/pricing/x', false],
  // exists
  ['exists true present', { exists: true }, 'x', true],
  ['exists true missing', { exists: true }, '', false],
  ['exists false missing', { exists: false }, null, true],
  ['exists false present', { exists: false }, 0, false],
  // contains
  ['contains substring', { contains: 'Ops' }, 'VP Ops', true],
  ['contains is case-sensitive', { contains: 'ops' }, 'VP Ops', false],
  ['contains list element', { contains: 'b' }, ['a', 'b'], true],
  ['contains list non-element', { contains: 'b' }, ['abc'], false],
  ['contains on missing', { contains: 'x' }, undefined, false],
  // several operators must all hold
  ['gte and lt both hold', { gte: 10, lt: 20 }, 15, true],
  ['gte and lt one fails', { gte: 10, lt: 20 }, 25, false],
  ['ne and nin on missing', { ne: 'a', nin: ['b'] }, undefined, true],
  ['ne and eq on missing', { ne: 'a', eq: 'b' }, undefined, false],
];

describe('operators', () => {
  it.each(rows)('%s', (_name, ops, value, expected) => {
    expect(compileOperators(ops)(value)).toBe(expected);
  });
});
