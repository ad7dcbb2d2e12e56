import { copyFileSync, mkdtempSync, readFileSync, rmSync, writeFileSync, createWriteStream } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { once } from 'node:events';
import { spawnSync } from 'node:child_process';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { simulate, type SimulateOptions } from '../../src/cli/simulate.ts';
import { Sink } from '../support/sink.ts';

const AT = '2026-11-23T00:00:00Z';
let dir: string;

async function sim(opts: Partial<SimulateOptions>) {
  const stdout = new Sink();
  const stderr = new Sink();
  const code = await simulate(
    { leads: join(dir, 'leads.jsonl'), agreement: join(dir, 'agreement.yaml'), at: AT, json: false, ...opts },
    { stdout, stderr, progress: false },
  );
  return { code, out: stdout.text(), err: stderr.text() };
}

const VP = { title: 'VP Operations', employees: 850, country: 'US' };
const lines = [
  // ana: mql by the demo request under the first; the other needs engagement ≥ 50 and a fit ≥ 40.
  {
    email: 'ana@corp.example',
    person: VP,
    events: [{ type: 'form_submission', at: '2026-11-02T10:00:00Z', properties: { form: 'demo-request' } }],
  },
  // bo: sql by lead status under both.
  { email: 'bo@corp.example', person: { ...VP, lead_status: 'Qualified' }, events: [] },
  'this is not json',
  // cy: a free-mail engineer, nothing.
  {
    email: 'cy@gmail.com',
    person: { title: 'Engineer' },
    events: [{ type: 'page_view', at: '2026-11-20T10:00:00Z', properties: { url: '/pricing' } }],
  },
  { email: 'bad@corp.example', events: 'none' },
  '',
  // di: rejected after the demo request: recycled under both.
  {
    email: 'di@corp.example',
    person: VP,
    events: [{ type: 'form_submission', at: '2026-11-02T10:00:00Z', properties: { form: 'demo-request' } }],
    feedback: [{ decision: 'reject', reason: 'bad_timing', at: '2026-11-03T09:00:00Z' }],
  },
  // ed: a won deal.
  { email: 'ed@corp.example', person: {}, deal: { stage: 'won' } },
];

beforeAll(() => {
  dir = mkdtempSync(join(tmpdir(), 'baton-simulate-'));
  copyFileSync('mappings/fields.yaml', join(dir, 'fields.yaml'));
  const agreement = readFileSync('test/agreement/example-agreement.yaml', 'utf8');
  writeFileSync(join(dir, 'agreement.yaml'), agreement);
  const other = agreement
    .replace('version: 7', 'version: 8')
    .replace(/ {2}sales: .*\n/, '  sales:     { name: Raj Patel, email: raj@acme.example }\n')
    .replace(/ {6}- \{ event: form_submission, where: \{ form: demo-request \} \}\n/, '')
    .replace('{ score: engagement, gte: 30 }', '{ score: engagement, gte: 50 }');
  writeFileSync(join(dir, 'other.yaml'), other);
  writeFileSync(
    join(dir, 'leads.jsonl'),
    lines.map((l) => (typeof l === 'string' ? l : JSON.stringify(l))).join('\n') + '\n',
  );
});

afterAll(() => rmSync(dir, { recursive: true, force: true }));

describe('baton simulate', () => {
  it('prints the spec’s object with --json, and the diff with --against', async () => {
    const { code, out, err } = await sim({ json: true, against: join(dir, 'other.yaml') });
    expect(code).toBe(0);
    const r = JSON.parse(out);
    expect(r.at).toBe(AT);
    expect(r.agreement).toEqual({ name: 'Acme lead handoff', version: 7 });
    expect(r.counts).toEqual({
      lead: 1,
      mql: 1,
      sal: 0,
      sql: 1,
      opportunity: 0,
      won: 1,
      lost: 0,
      recycled: 1,
      disqualified: 0,
    });
    expect(r.counts_against).toEqual({
      lead: 2,
      mql: 0,
      sal: 0,
      sql: 1,
      opportunity: 0,
      won: 1,
      lost: 0,
      recycled: 1,
      disqualified: 0,
    });
    expect(r.changed).toEqual([{ email: 'ana@corp.example', from: 'mql', to: 'lead' }]);
    expect(r.people[0]).toEqual({
      email: 'ana@corp.example',
      stage: 'mql',
      fit: 55,
      engagement: 24.86,
      transitions: [
        { to: 'mql', at: '2026-11-02T10:00:00Z', cause: 'rule:demo-request' },
        { to: 'mql', at: '2026-11-04T22:00:00Z', cause: 'sla', breached: true },
      ],
    });
    // A person who skips stages lists them in `passed` on that one transition.
    expect(r.people[1].transitions).toEqual([
      { to: 'sql', at: expect.any(String), cause: 'rule:sql', passed: ['mql', 'sal'] },
    ]);
    expect(r.people.map((p: { email: string }) => p.email)).toEqual([
      'ana@corp.example',
      'bo@corp.example',
      'cy@gmail.com',
      'di@corp.example',
      'ed@corp.example',
    ]);
    expect(r.errors).toEqual([
      { line: 3, message: expect.stringMatching(/^not JSON/) },
      { line: 5, message: expect.stringMatching(/^events: /) },
    ]);
    // The other agreement is a draft: accepted, with a warning naming the side.
    expect(err).toMatch(
      /other\.yaml:\d+:\d+: warning: draft agreement 'Acme lead handoff' v8: sales has not approved it/,
    );
  });

  it('prints a readable summary naming who changes stage and why', async () => {
    const { code, out, err } = await sim({ against: join(dir, 'other.yaml') });
    expect(code).toBe(0);
    expect(out).toContain("agreement 'Acme lead handoff' v7 against 'Acme lead handoff' v8");
    expect(out).toContain('5 people at 2026-11-23T00:00:00Z, 2 bad lines skipped');
    expect(out).toMatch(/mql\s+1\s+0\n/);
    expect(out).toContain('1 person changes stage');
    expect(out).toContain('ana@corp.example: mql → lead (was mql: rule:demo-request; now lead: no rule)');
    expect(err).toContain('leads.jsonl:3: not JSON');
    expect(err).toContain('leads.jsonl:5: events:');
  });

  it('checks the field names of an --against file kept elsewhere against --config', () => {
    const elsewhere = mkdtempSync(join(tmpdir(), 'baton-simulate-against-'));
    try {
      const next = join(elsewhere, 'next.yaml');
      writeFileSync(
        next,
        readFileSync(join(dir, 'agreement.yaml'), 'utf8').replace('field: person.title', 'field: person.titel'),
      );
      const bin = join(import.meta.dirname, '..', '..', 'bin', 'baton.js');
      const run = spawnSync(
        process.execPath,
        [bin, 'simulate', '--config', dir, '--leads', join(dir, 'leads.jsonl'), '--against', next, '--at', AT],
        { encoding: 'utf8' },
      );
      expect(run.stderr).toMatch(/next\.yaml:\d+:\d+: .*person\.titel/);
      expect(run.stderr).not.toMatch(/field names were not checked/);
      expect(run.status).toBe(1);
    } finally {
      rmSync(elsewhere, { recursive: true, force: true });
    }
  });

  it('exits 1 with the problem when the agreement is invalid or the file is missing', async () => {
    writeFileSync(join(dir, 'broken.yaml'), 'name: x\n');
    const bad = await sim({ agreement: join(dir, 'broken.yaml') });
    expect(bad.code).toBe(1);
    expect(bad.err).toMatch(/broken\.yaml:\d+:\d+:/);
    const missing = await sim({ leads: join(dir, 'nope.jsonl') });
    expect(missing.code).toBe(1);
    expect(missing.err).toContain('cannot read');
  });

  it('streams a 100,000-person file', async () => {
    const path = join(dir, 'big.jsonl');
    const file = createWriteStream(path);
    for (let i = 0; i < 100_000; i++) {
      const day = String(1 + (i % 20)).padStart(2, '0');
      const form = i % 7 === 0 ? 'demo-request' : 'ebook';
      const line = `{"email":"p${i}@corp.example","person":{"employees":${i % 1000},"country":"US"},"events":[{"type":"form_submission","at":"2026-11-${day}T10:00:00Z","properties":{"form":"${form}"}},{"type":"email_click","at":"2026-11-${day}T11:00:00Z"}]}\n`;
      if (!file.write(line)) await once(file, 'drain');
    }
    file.end();
    await once(file, 'finish');
    const { code, out } = await sim({ leads: path, json: true });
    expect(code).toBe(0);
    const r = JSON.parse(out);
    expect(r.people).toHaveLength(100_000);
    expect(Object.values(r.counts as Record<string, number>).reduce((a, b) => a + b, 0)).toBe(100_000);
    expect(r.counts.mql).toBe(Math.ceil(100_000 / 7));
    expect(r.errors).toEqual([]);
  });
});
