import { describe, expect, it } from 'vitest';
import { afterCursor, chunkForIn, soqlDateTime, soqlString } from '../../../connectors/salesforce/soql.ts';
import { evaluate, parseSoql, runQuery } from '../../../sandbox/salesforce/soql.ts';

describe('SOQL building', () => {
  it('quotes literals so a name cannot break out of the string', () => {
    expect(soqlString("O'Brien \\ co")).toBe("'O\\'Brien \\\\ co'");
    const q = parseSoql(`SELECT Id FROM Lead WHERE LastName = ${soqlString("O'Brien \\ co")}`);
    expect(evaluate(q.where!, { LastName: "O'Brien \\ co" })).toBe(true);
  });

  it('chunks IN lists under the length budget', () => {
    const emails = Array.from({ length: 1000 }, (_, i) => `someone.with.a.long.name${i}@example.com`);
    const parts = chunkForIn(emails, 9000);
    expect(parts.flat()).toEqual(emails);
    for (const p of parts) expect(p.map(soqlString).join(',').length).toBeLessThanOrEqual(9000);
  });

  it('puts the cursor at (SystemModstamp, Id) with second precision', () => {
    expect(soqlDateTime('2026-11-30T12:00:00.000+0000')).toBe('2026-11-30T12:00:00Z');
    const where = afterCursor({ ts: '2026-11-30T12:00:00.000+0000', id: '00Q2' });
    const q = parseSoql(`SELECT Id FROM Lead WHERE ${where} ORDER BY SystemModstamp, Id`);
    const rows = [
      { Id: '00Q1', SystemModstamp: '2026-11-30T12:00:00.000+0000' },
      { Id: '00Q3', SystemModstamp: '2026-11-30T12:00:00.000+0000' },
      { Id: '00Q0', SystemModstamp: '2026-11-30T12:00:01.000+0000' },
      { Id: '00Q2', SystemModstamp: '2026-11-30T12:00:00.000+0000' },
    ];
    expect(runQuery(q, rows).map((r) => r.Id)).toEqual(['00Q3', '00Q0']);
  });

  it('the fake parses what the connector sends, and refuses the rest', () => {
    const q = parseSoql(
      "SELECT Id, Email FROM Lead WHERE (Email IN ('A@x.example','b@x.example') OR NOT IsConverted = true) AND Id != null ORDER BY Id DESC LIMIT 5",
    );
    expect(q).toMatchObject({
      from: 'Lead',
      fields: ['Id', 'Email'],
      limit: 5,
      orderBy: [{ field: 'Id', desc: true }],
    });
    expect(evaluate(q.where!, { Id: '1', Email: 'a@X.example', IsConverted: true })).toBe(true);
    expect(() => parseSoql('SELECT FROM Lead')).toThrow();
    expect(() => parseSoql("SELECT Id FROM Lead WHERE Name = 'open")).toThrow(/unterminated/);
  });
});
