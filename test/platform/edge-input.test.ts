import { describe, expect, it } from 'vitest';
import {
  emailAddress,
  instantProblem,
  jsonDepth,
  MAX_JSON_DEPTH,
  parseJsonInput,
  pathName,
  toIsoInstant,
} from '../../src/platform/edge-input.ts';
import { InputError } from '../../src/platform/errors.ts';

const fieldOf = (fn: () => unknown) => {
  try {
    fn();
  } catch (err) {
    if (err instanceof InputError) return err.details.field;
    throw err;
  }
  return null;
};

describe('edge input', () => {
  it('measures JSON depth outside strings only', () => {
    expect(jsonDepth('{"a":[1,{"b":"[[[[{{{"}]}')).toBe(3);
    expect(jsonDepth('"\\"[[["')).toBe(0);
    expect(jsonDepth('['.repeat(100), 10)).toBe(11);
  });

  it('parses JSON at most 32 deep, strict UTF-8, finite numbers; names the field; quotes nothing', () => {
    expect(parseJsonInput(`${'['.repeat(MAX_JSON_DEPTH)}${']'.repeat(MAX_JSON_DEPTH)}`)).toBeDefined();
    expect(fieldOf(() => parseJsonInput(`${'['.repeat(MAX_JSON_DEPTH + 1)}${']'.repeat(MAX_JSON_DEPTH + 1)}`))).toBe(
      'body',
    );
    expect(fieldOf(() => parseJsonInput(Buffer.from([0x7b, 0xff, 0x7d])))).toBe('body');
    expect(fieldOf(() => parseJsonInput('{"a":{"b":[1,1e999]}}'))).toBe('a.b.1');
    try {
      parseJsonInput('{"root@localhost": nope}');
    } catch (err) {
      expect((err as Error).message).not.toContain('root@localhost');
    }
  });

  it('takes real calendar instants in 1970..2100 only', () => {
    for (const ok of [
      '2026-12-01T10:00:00Z',
      '2026-12-01T10:00:00.123+01:00',
      '2024-02-29T00:00:00Z',
      '2026-12-01',
      '2100-12-31T23:59:59Z',
      '2026-12-01T10:00:00+0000',
    ])
      expect(instantProblem(ok), ok).toBeNull();
    for (const bad of [
      '2026-02-29T00:00:00Z',
      '2026-02-31',
      '2026-13-01',
      '2026-12-01T24:00:00Z',
      '2026-12-01T10:60:00Z',
      '9999-01-01T00:00:00Z',
      '1969-12-31T23:59:59Z',
      '2101-01-01T00:00:00Z',
      'garbage',
      '+275760-09-13T00:00:00Z',
    ]) {
      expect(instantProblem(bad), bad).not.toBeNull();
    }
    expect(instantProblem('2026-12-01', { requireTime: true })).not.toBeNull();
    expect(toIsoInstant('2026-12-01T10:00:00')).toBe('2026-12-01T10:00:00.000Z');
  });

  it('normalizes emails (trim, lower-case) and refuses control, zero-width and invalid characters', () => {
    expect(emailAddress.parse('  Ana@Corp.Example ')).toBe('ana@corp.example');
    for (const bad of [
      'ana\u0000@x.y',
      'ana\u200b@x.y',
      'ana\u200d@x.y',
      '\ufeffana@x.y',
      'ana\ufffd@x.y',
      '\ud800@x.y',
      'a b@x.y',
      'nope',
      'a\u00a0b@x.y',
    ]) {
      expect(emailAddress.safeParse(bad).success, JSON.stringify(bad)).toBe(false);
    }
  });
});

describe('pathName', () => {
  it('names a path as a field, quoting keys that are empty or not plain words', () => {
    expect(pathName(['properties', 'score'])).toBe('properties.score');
    expect(pathName(['changes', 0, 'id'])).toBe('changes.0.id');
    expect(pathName([''])).toBe('[""]');
    expect(pathName(['properties', 'a.b'])).toBe('properties.["a.b"]');
  });
});
