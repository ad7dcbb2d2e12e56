import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { simulate } from '../../src/cli/simulate.ts';
import { Sink } from '../support/sink.ts';

const ROUTING = `match_accounts:
  by: [email_domain, company_name]
  ignore_domains: [gmail.com]
  create: contact
rules:
  - id: enterprise
    if: { field: person.employees, gte: 1000 }
    assign:
      round_robin: [ana@acme.example, bo@acme.example]
      weights: { ana@acme.example: 2 }
fallback: { user: sdr@acme.example }
`;

let dir: string;
beforeAll(() => {
  dir = mkdtempSync(join(tmpdir(), 'baton-simroute-'));
  writeFileSync(join(dir, 'routing.yaml'), ROUTING);
  const people = [
    ...Array.from({ length: 9 }, (_, i) => ({ email: `p${i}@big${i}.example`, person: { employees: 5000 } })),
    { email: 'x@corp.example', person: { employees: 10 } },
    { email: 'y@gmail.com', person: {} },
  ];
  writeFileSync(join(dir, 'leads.jsonl'), people.map((p) => JSON.stringify(p)).join('\n') + '\nnot json\n');
  writeFileSync(
    join(dir, 'accounts.jsonl'),
    JSON.stringify({ id: '001A', name: 'Corp Inc', website: 'https://corp.example', owner: 'olga@acme.example' }) +
      '\n',
  );
});
afterAll(() => rmSync(dir, { recursive: true, force: true }));

async function sim(extra: Record<string, unknown>) {
  const stdout = new Sink();
  const stderr = new Sink();
  const agreement = join(import.meta.dirname, '..', '..', 'mappings', 'agreement.yaml');
  const code = await simulate(
    {
      leads: join(dir, 'leads.jsonl'),
      agreement,
      at: '2026-12-01T12:00:00Z',
      json: false,
      routing: join(dir, 'routing.yaml'),
      ...extra,
    },
    { stdout, stderr, progress: false },
  );
  return { code, out: stdout.text(), err: stderr.text() };
}

describe('baton simulate --routing', () => {
  it('replays the round robin in order and counts per user', async () => {
    const { code, out, err } = await sim({ json: true });
    expect(code).toBe(0);
    expect(err).toBe('');
    const r = JSON.parse(out);
    expect(r.counts).toEqual({ 'ana@acme.example': 6, 'bo@acme.example': 3, 'sdr@acme.example': 2 });
    expect(r.assignments.slice(0, 3).map((a: { user: string }) => a.user)).toEqual([
      'ana@acme.example',
      'bo@acme.example',
      'ana@acme.example',
    ]);
    expect(r.errors).toHaveLength(1);
  });

  it('matches accounts only when --accounts gives them', async () => {
    const { out } = await sim({ json: true, accounts: join(dir, 'accounts.jsonl') });
    const r = JSON.parse(out);
    expect(r.assignments.find((a: { email: string }) => a.email === 'x@corp.example')).toMatchObject({
      rule: 'account',
      user: 'olga@acme.example',
    });
    expect(r.assignments.find((a: { email: string }) => a.email === 'y@gmail.com')).toMatchObject({ rule: 'fallback' });
  });

  it('prints a summary, and a bad routing file by line', async () => {
    const { code, out } = await sim({});
    expect(code).toBe(0);
    expect(out).toMatch(/^11 people routed under .*routing\.yaml \(no --accounts: account matching skipped\)/);
    expect(out).toMatch(/ana@acme\.example\s+6/);
    writeFileSync(
      join(dir, 'bad.yaml'),
      'rules:\n  - id: x\n    if: { field: person.a, eq: 1 }\n    assign: { usr: a@b.c }\n',
    );
    const bad = await sim({ routing: join(dir, 'bad.yaml') });
    expect(bad.code).toBe(1);
    expect(bad.err).toMatch(/bad\.yaml:4:\d+: /);
  });
});
