import { describe, expect, it } from 'vitest';
import type { Stage } from '../../src/config/schema.ts';
import { canonicalJson, stableHash } from '../../src/mapping/hash.ts';
import { lifecycleFor } from '../../src/mapping/lifecycle.ts';

describe('lifecycleFor', () => {
  it.each<[Stage, string | undefined, boolean]>([
    ['lead', 'lead', false],
    ['mql', 'marketingqualifiedlead', false],
    ['sal', 'salesqualifiedlead', false],
    ['sql', 'salesqualifiedlead', false],
    ['opportunity', 'opportunity', false],
    ['won', 'customer', false],
    ['recycled', 'lead', true],
    ['disqualified', 'lead', true],
    ['lost', undefined, false],
  ])('%s → %s (clear first: %s)', (stage, value, clearFirst) => {
    expect(lifecycleFor(stage)).toEqual(value === undefined ? undefined : { value, clearFirst });
  });
});

describe('stableHash', () => {
  it('ignores key order at every level', () => {
    expect(stableHash({ a: 1, b: { c: [1, 2], d: 'x' } })).toBe(stableHash({ b: { d: 'x', c: [1, 2] }, a: 1 }));
    expect(canonicalJson({ b: 1, a: { d: 1, c: 2 } })).toBe('{"a":{"c":2,"d":1},"b":1}');
  });
  it('tells different values apart, array order included', () => {
    expect(stableHash({ a: [1, 2] })).not.toBe(stableHash({ a: [2, 1] }));
    expect(stableHash({ a: '1' })).not.toBe(stableHash({ a: 1 }));
    expect(stableHash({ a: null })).not.toBe(stableHash({}));
  });
  it('drops undefined members like JSON and is a sha256 hex digest', () => {
    expect(stableHash({ a: 1, b: undefined })).toBe(stableHash({ a: 1 }));
    expect(stableHash('x')).toMatch(/^[0-9a-f]{64}$/);
  });
});
