import { describe, expect, it } from 'vitest';
import { defaultDatabaseUrl, parseDatabaseUrl } from '../../src/store/url.ts';
import { InputError } from '../../src/platform/errors.ts';

describe('database URL', () => {
  it('defaults to the embedded file', () => {
    expect(defaultDatabaseUrl({})).toBe('sqlite:./data/baton.db');
    expect(defaultDatabaseUrl({ BATON_DATABASE_URL: ' postgres://h/db ' })).toBe('postgres://h/db');
  });

  it('parses sqlite paths and memory', () => {
    expect(parseDatabaseUrl('sqlite:./data/baton.db')).toEqual({ kind: 'sqlite', path: './data/baton.db' });
    expect(parseDatabaseUrl('sqlite:/tmp/x.db')).toEqual({ kind: 'sqlite', path: '/tmp/x.db' });
    expect(parseDatabaseUrl('sqlite:///tmp/x.db')).toEqual({ kind: 'sqlite', path: '/tmp/x.db' });
    expect(parseDatabaseUrl('sqlite::memory:')).toEqual({ kind: 'sqlite', path: ':memory:' });
  });

  it('takes the schema out of a postgres URL and keeps other parameters', () => {
    expect(parseDatabaseUrl('postgresql://u:p@h:5432/db?schema=t_1&sslmode=disable')).toEqual({
      kind: 'postgres',
      connectionString: 'postgresql://u:p@h:5432/db?sslmode=disable',
      schema: 't_1',
    });
    expect(parseDatabaseUrl('postgres://h/db')).toMatchObject({ schema: null });
  });

  it('rejects other schemes, empty paths and unsafe schema names without echoing credentials', () => {
    expect(() => parseDatabaseUrl('mysql://h/db')).toThrow(InputError);
    expect(() => parseDatabaseUrl('sqlite:')).toThrow(/no file path/);
    expect(() => parseDatabaseUrl('postgres://u:secret@h/db?schema=a;drop')).toThrow(/plain identifier/);
    expect(() => parseDatabaseUrl('postgres://h/db?schema=Mixed')).toThrow(/lower-case/);
    try {
      parseDatabaseUrl('postgres://u:secret@h/db?schema=a;drop');
    } catch (err) {
      expect((err as Error).message).not.toContain('secret');
    }
  });
});
