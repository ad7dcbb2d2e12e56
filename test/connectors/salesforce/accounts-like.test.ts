import { describe, expect, it } from 'vitest';
import { accountQueries } from '../../../connectors/salesforce/accounts.ts';
import { soqlLikeContains } from '../../../connectors/salesforce/soql.ts';
import { evaluate, parseSoql } from '../../../sandbox/salesforce/soql.ts';

const matches = (soql: string, rec: Record<string, unknown>) => evaluate(parseSoql(soql).where!, rec);

describe('account LIKE probes', () => {
  it('escape % and _ so they match themselves (SOQL: \\% and \\_, LIKE only), quotes and backslashes as literals', () => {
    expect(soqlLikeContains("50%_o'k\\")).toBe("'%50\\%\\_o\\'k\\\\%'");
    const [q] = accountQueries({ domains: ['a_b.example'], names: ['100% juice'] });
    expect(q).toContain("Website LIKE '%a\\_b.example%'");
    expect(q).toContain("Name LIKE '%juice%'");
  });

  it('a domain with _ does not match a Website with any character in its place', () => {
    const [q] = accountQueries({ domains: ['a_b.example'], names: [] });
    expect(matches(q, { Website: 'https://a_b.example' })).toBe(true);
    expect(matches(q, { Website: 'https://axb.example' })).toBe(false);
    const [pct] = accountQueries({ domains: ['50%.example'], names: [] });
    expect(matches(pct, { Website: 'www.50%.example' })).toBe(true);
    expect(matches(pct, { Website: 'www.50000.example' })).toBe(false);
  });
});
