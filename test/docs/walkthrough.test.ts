/**
 * The connect guides followed as a new user would: the fenced `sh` block under "Quick start" of
 * `docs/connect-hubspot.md` and of `docs/connect-salesforce.md` is run line by line — `export`s
 * set the environment, `npx baton …` runs the CLI in this process, a HubSpot CLI line is the
 * person's step — in an empty folder against sandbox CRMs started bare (no Baton fields or
 * properties, a HubSpot token missing a scope). The outcomes are the documented ones, and the
 * output blocks the guides show are what the commands print. Change a quick-start command so it
 * stops working and this test fails.
 */
import { existsSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { serveFakeApi } from '../../sandbox/http.ts';
import { ALL_SCOPES, createFakeHubSpot, type FakeHubSpot } from '../../sandbox/hubspot/index.ts';
import { createFakeSalesforce, type FakeSalesforce } from '../../sandbox/salesforce/index.ts';
import { envNames, fences, readDocs, ROOT } from './markdown.ts';
import { runBaton } from '../support/run-baton.ts';

const HS_TOKEN = 'pat-na1-walkthrough';
const MISSING_SCOPE = 'crm.objects.deals.write';
const SF_CLIENT = { clientId: 'walkthrough-client', clientSecret: 'walkthrough-secret' };
const OWN_VARS = /^(BATON|HUBSPOT|SALESFORCE)_/;
const LINE = /^(ok {5}|PROBLEM|warn {3}|info {3}) ([\w.]+): (.+?)(?: — fix(?: \((baton setup|you)\))?: (.+))?$/;

interface Step {
  line: string;
  args: string[];
  code: number;
  out: string;
}

interface Walk {
  dir: string;
  steps: Step[];
  /** The person's steps (HubSpot's CLI), as written. */
  skipped: string[];
  /** The variables the quick start exported, with the values used. */
  env: Record<string, string>;
}

const doc = (name: string) => readFileSync(join(ROOT, 'docs', name), 'utf8');
const allDocs = readDocs()
  .map((d) => d.text)
  .join('\n');

/** The section of `text` under `heading`, up to the next `## ` heading. */
function section(text: string, heading: string): string {
  const start = text.indexOf(`\n${heading}\n`);
  if (start < 0) throw new Error(`no section "${heading}"`);
  const end = text.indexOf('\n## ', start + heading.length + 2);
  return text.slice(start, end < 0 ? undefined : end);
}

/** The fenced blocks of `lang` in one section of a guide. */
const blocks = (text: string, heading: string, lang: string) =>
  fences(section(text, heading))
    .filter((f) => f.lang === lang)
    .map((f) => f.body);

/** Runs `baton ARGS` in this process; returns the exit code and what it printed. */
const baton = (args: string[]) => runBaton(args);

/**
 * Follows the quick start of `guide` in a new empty folder. `values` stand for what a person
 * copies from the CRM (the docs show `...`) and for URLs that must point at the sandboxes;
 * `base` is what the docs leave to the environment (the sandbox's API base).
 */
async function walk(guide: string, values: Record<string, string>, base: Record<string, string>): Promise<Walk> {
  const [script] = blocks(doc(guide), '## Quick start', 'sh');
  if (!script) throw new Error(`${guide}: no sh block under "Quick start"`);
  const dir = mkdtempSync(join(tmpdir(), 'baton-walk-'));
  const saved = { ...process.env };
  const cwd = process.cwd();
  const result: Walk = { dir, steps: [], skipped: [], env: {} };
  for (const k of Object.keys(process.env)) if (OWN_VARS.test(k)) delete process.env[k];
  Object.assign(process.env, { BATON_LOG_LEVEL: 'error' }, base);
  process.chdir(dir);
  try {
    for (const raw of script.split('\n')) {
      const line = raw.replace(/(^|\s)#.*$/, '').trim();
      if (!line) continue;
      const exported = /^export\s+(.*)$/.exec(line);
      if (exported) {
        for (const [, name, shown] of exported[1].matchAll(/([A-Z][A-Z0-9_]*)=(\S+)/g)) {
          const value = values[name] ?? (shown.includes('...') ? undefined : shown);
          if (value === undefined)
            throw new Error(`${guide}: the quick start exports ${name}=${shown}; the walkthrough has no value for it`);
          process.env[name] = value;
          result.env[name] = value;
        }
        continue;
      }
      const command = /^npx\s+baton\s+(.*)$/.exec(line);
      if (command) {
        const args = command[1].split(/\s+/);
        result.steps.push({ line, args, ...(await baton(args)) });
        continue;
      }
      // A person's step with HubSpot's CLI; a `cd` outside a subshell moves every later command.
      const subshell = /^\((.*)\)$/.exec(line);
      const body = subshell ? subshell[1] : line;
      if (!/\bhs\s/.test(body))
        throw new Error(`${guide}: the walkthrough does not know the quick-start step "${line}"`);
      result.skipped.push(line);
      const cd = /^cd\s+(\S+)/.exec(body);
      if (cd && !subshell) process.chdir(cd[1]);
    }
  } finally {
    process.chdir(cwd);
    for (const k of Object.keys(process.env)) if (!(k in saved)) delete process.env[k];
    Object.assign(process.env, saved);
  }
  return result;
}

/** Runs one more `baton` command in the walk's folder, with the environment the walk ended with. */
async function again(w: Walk, base: Record<string, string>, args: string[]): Promise<{ code: number; out: string }> {
  const saved = { ...process.env };
  const cwd = process.cwd();
  for (const k of Object.keys(process.env)) if (OWN_VARS.test(k)) delete process.env[k];
  Object.assign(process.env, { BATON_LOG_LEVEL: 'error' }, base, w.env);
  process.chdir(w.dir);
  try {
    return await baton(args);
  } finally {
    process.chdir(cwd);
    for (const k of Object.keys(process.env)) if (!(k in saved)) delete process.env[k];
    Object.assign(process.env, saved);
  }
}

/** The walk's runs of `baton ARGS…` (the args joined by spaces), in order; the quick start must have one. */
function runs(w: Walk, args: string): [Step, ...Step[]] {
  const found = w.steps.filter((s) => s.args.join(' ') === args);
  if (!found.length)
    throw new Error(
      `the quick start no longer runs \`baton ${args}\` (it runs: ${w.steps.map((s) => s.args.join(' ')).join('; ')})`,
    );
  return found as [Step, ...Step[]];
}

/** Every documented command parses: none answers with its usage. */
function expectKnownCommands(w: Walk): void {
  for (const s of w.steps) expect(s.out, s.line).not.toMatch(/^usage: baton/m);
}
const lastLine = (out: string) => out.trimEnd().split('\n').at(-1);
const checkLines = (out: string) => out.split('\n').filter((l) => /^(ok|PROBLEM|warn|info) /.test(l));
const problems = (out: string) =>
  checkLines(out)
    .filter((l) => l.startsWith('PROBLEM'))
    .map((l) => LINE.exec(l)!);

/** The person approves the draft agreement the way `config.approved`'s fix says: an approved date per owner. */
function approve(dir: string): void {
  const path = join(dir, 'mappings', 'agreement.yaml');
  writeFileSync(path, readFileSync(path, 'utf8').replace(/(email: "[^"]*") \}/g, '$1, approved: 2026-12-01 }'));
}

/** Every line of a documented doctor sample is printed by the real run with the same status and id, and the last lines agree. */
function expectSample(sample: string, out: string): void {
  const printed = checkLines(out).map((l) => LINE.exec(l)!.slice(1, 3).join(' '));
  const shown = checkLines(sample);
  expect(shown.length).toBeGreaterThan(3);
  for (const l of shown) expect(printed, `documented: ${l}`).toContain(LINE.exec(l)!.slice(1, 3).join(' '));
  expect(lastLine(out)).toBe(lastLine(sample));
}

/** What every walk shares: each doctor line has the documented format, and every variable printed is documented. */
function expectHonestOutput(w: Walk): void {
  for (const s of w.steps.filter((x) => x.args[0] === 'doctor' && !x.args.includes('--json'))) {
    for (const l of checkLines(s.out)) expect(l, s.line).toMatch(LINE);
    expect(lastLine(s.out)).toMatch(
      /^(\d+ problems?: \d+ for `baton setup`, \d+ for a person|all \d+ checks hold( \(see the warnings\))?)$/,
    );
  }
  for (const s of w.steps)
    for (const name of envNames(s.out))
      expect(allDocs, `${s.line} prints ${name}`).toMatch(new RegExp(`\\b${name}\\b`));
}

describe('docs/connect-hubspot.md, followed against a bare HubSpot sandbox', () => {
  let hubspot: FakeHubSpot;
  let server: { url: string; close(): Promise<void> };
  let w: Walk;
  let base: Record<string, string>;
  const text = doc('connect-hubspot.md');

  beforeAll(async () => {
    hubspot = createFakeHubSpot({ accessToken: HS_TOKEN, scopes: ALL_SCOPES.filter((s) => s !== MISSING_SCOPE) });
    server = await serveFakeApi(hubspot);
    base = { HUBSPOT_BASE_URL: server.url };
    w = await walk(
      'connect-hubspot.md',
      { HUBSPOT_ACCESS_TOKEN: HS_TOKEN, HUBSPOT_CLIENT_SECRET: 'walkthrough-app-secret' },
      base,
    );
  }, 90_000);

  afterAll(async () => {
    await server?.close();
    if (w) rmSync(w.dir, { recursive: true, force: true });
  });

  it('every quick-start command is one baton knows, with flags it takes', () => expectKnownCommands(w));

  it('init writes the starter configuration, as documented', () => {
    const [init] = runs(w, 'init');
    expect(init.code).toBe(0);
    for (const f of ['agreement.yaml', 'fields.yaml', 'routing.yaml']) {
      expect(init.out).toContain(`wrote    mappings/${f}`);
      expect(existsSync(join(w.dir, 'mappings', f))).toBe(true);
    }
  });

  it('setup --project writes the project (the dry run first writes nothing) without touching the account', () => {
    const project = w.steps.filter((s) => s.args[0] === 'setup' && s.args.includes('--project'));
    expect(project.map((s) => s.args.includes('--dry-run'))).toEqual([true, false]);
    const dir = project[1].args[project[1].args.indexOf('--project') + 1];
    for (const s of project) {
      expect(s.code).toBe(0);
      expect(s.out).toMatch(
        /^(would create|created): nothing in the account \(not touched: HUBSPOT_ACCESS_TOKEN is not set\)$/m,
      );
      expect(s.out).not.toContain('everything Baton owns is there');
      expect(s.out).toContain(`  + ${dir}/src/app/app-hsmeta.json`);
    }
    const app = JSON.parse(readFileSync(join(w.dir, dir, 'src/app/app-hsmeta.json'), 'utf8'));
    expect(app.config.auth.type).toBe('static');
    const documented = [...section(text, '## Scopes').matchAll(/`(crm\.[a-z.]+)`/g)].map((m) => m[1]);
    for (const scope of app.config.auth.requiredScopes) expect(documented, 'the Scopes table').toContain(scope);
    const hooks = JSON.parse(readFileSync(join(w.dir, dir, 'src/app/webhooks/webhooks-hsmeta.json'), 'utf8'));
    expect(hooks.config.settings.targetUrl).toBe(`${w.env.BATON_PUBLIC_URL}/webhooks/hubspot`);
    // The person's upload step runs in the project the docs just had written, and leaves them where mappings/ is.
    expect(w.skipped).toHaveLength(1);
    expect(w.skipped[0]).toContain(`cd ${dir}`);
    expect(existsSync(join(w.dir, dir, 'hsproject.json'))).toBe(true);
  });

  it('doctor exits 1 naming each missing piece with its fix, as the documented sample shows', () => {
    const [first] = runs(w, 'doctor');
    expect(first.code).toBe(1);
    const p = problems(first.out);
    expect(p.find((m) => m[2] === 'hubspot.scopes')?.[4]).toBe('you');
    expect(p.find((m) => m[2] === 'hubspot.scopes')?.[3]).toContain(MISSING_SCOPE);
    expect(p.find((m) => m[2] === 'hubspot.properties.contacts.baton')?.[4]).toBe('baton setup');
    expect(p.find((m) => m[2] === 'config.approved')?.[4]).toBe('you');
    // serve migrates the store: nobody, and surely not `baton setup`, has to act on it.
    expect(first.out).toMatch(
      /^warn {4}store: .* not migrated yet — fix: none needed: `baton serve` migrates it on start$/m,
    );
    const [sample] = blocks(text, '## What `baton doctor` prints', 'text');
    expectSample(sample, first.out);
  });

  it('setup creates what Baton owns (the dry run nothing), and a second setup creates nothing', async () => {
    const [dry] = runs(w, 'setup hubspot --dry-run');
    expect(dry.code).toBe(0);
    expect(dry.out).toMatch(/^would create:\n {2}\+ contact property group baton/m);
    const [real] = runs(w, 'setup hubspot');
    expect(real.code).toBe(0);
    const [created, second] = blocks(text, '## What `baton setup hubspot` prints', 'text');
    for (const l of created.split('\n').filter((x) => x.startsWith('  + '))) expect(real.out).toContain(l);
    expect(real.out).toMatch(
      new RegExp(`^only a person can do:\\n {2}- the app lacks the scope ${MISSING_SCOPE.replace(/\./g, '\\.')}`, 'm'),
    );
    expect([...hubspot.data.properties.contacts.keys()].filter((k) => k.startsWith('baton_')).sort()).toEqual([
      'baton_engagement_score',
      'baton_fit_score',
      'baton_reason',
      'baton_stage',
    ]);

    const creates = () => hubspot.calls(/\/batch\/create$|\/groups$|\/properties\/\w+$/, 'POST').length;
    const before = creates();
    const next = await again(w, base, ['setup', 'hubspot']);
    expect(next.code).toBe(0);
    expect(next.out.split('\n').slice(0, 3)).toEqual(second.split('\n').slice(0, 3));
    expect(creates()).toBe(before);
  });

  it('doctor then names only what a person must do, and exits 0 once that is done', async () => {
    const last = runs(w, 'doctor').at(-1)!;
    expect(last.code).toBe(1);
    expect(problems(last.out).map((m) => [m[2], m[4]])).toEqual([
      ['config.approved', 'you'],
      ['hubspot.scopes', 'you'],
    ]);
    expect(lastLine(last.out)).toBe('2 problems: 0 for `baton setup`, 2 for a person');
    expectHonestOutput(w);

    approve(w.dir);
    hubspot.grantScopes([MISSING_SCOPE]);
    const done = await again(w, base, ['doctor', '--json']);
    expect(done.code).toBe(0);
    const report = JSON.parse(done.out) as { ok: boolean; checks: Record<string, unknown>[] };
    expect(report.ok).toBe(true);
    for (const c of report.checks) {
      expect(Object.keys(c).every((k) => ['id', 'status', 'message', 'fix', 'by'].includes(k))).toBe(true);
      expect(['ok', 'warn', 'info']).toContain(c.status);
      if (c.by !== undefined) expect(['setup', 'person']).toContain(c.by);
    }
    expect(lastLine((await again(w, base, ['doctor'])).out)).toMatch(/^all \d+ checks hold/);
  });
});

describe('docs/connect-salesforce.md, followed against a bare Salesforce sandbox', () => {
  let salesforce: FakeSalesforce;
  let server: { url: string; close(): Promise<void> };
  let w: Walk;
  const text = doc('connect-salesforce.md');

  beforeAll(async () => {
    salesforce = createFakeSalesforce({ bare: true, ...SF_CLIENT });
    server = await serveFakeApi(salesforce);
    w = await walk(
      'connect-salesforce.md',
      {
        SALESFORCE_INSTANCE_URL: server.url,
        SALESFORCE_CLIENT_ID: SF_CLIENT.clientId,
        SALESFORCE_CLIENT_SECRET: SF_CLIENT.clientSecret,
        SALESFORCE_ORG_ID: salesforce.org.orgId,
      },
      {},
    );
  }, 90_000);

  afterAll(async () => {
    await server?.close();
    if (w) rmSync(w.dir, { recursive: true, force: true });
  });

  it('every quick-start command is one baton knows, with flags it takes', () => expectKnownCommands(w));

  it('doctor exits 1 naming each missing Baton field for `baton setup`, as the documented sample shows', () => {
    const [first] = runs(w, 'doctor');
    expect(first.code).toBe(1);
    const p = problems(first.out);
    for (const f of [
      'Baton_Stage__c',
      'Baton_Fit_Score__c',
      'Baton_Engagement_Score__c',
      'Baton_Reason__c',
      'Baton_SLA_Due__c',
      'Baton_Reject_Reason__c',
    ]) {
      const m = p.find((x) => x[2] === `salesforce.field.${f}`);
      expect(m?.[3]).toBe(`Baton's field Lead.${f}, Contact.${f} does not exist`);
      expect(m?.[4]).toBe('baton setup');
    }
    expect(first.out).toMatch(/^ok {6}salesforce\.login: logged in to .* as the integration user 005\w+, API v62\.0/m);
    const [sample] = blocks(text, '## What `baton doctor` prints', 'text');
    expectSample(sample, first.out);
  });

  it('setup creates the fields and the permission set (the dry run nothing), and a second setup creates nothing', async () => {
    const [dry] = runs(w, 'setup salesforce --dry-run');
    expect(dry.code).toBe(0);
    expect(dry.out).toContain('would create:\n  + field Lead.Baton_Stage__c (Text)');
    const [real] = runs(w, 'setup salesforce');
    expect(real.code).toBe(0);
    const [created, second] = blocks(text, '## What `baton setup salesforce` prints', 'text');
    for (const l of created.split('\n').filter((x) => x.startsWith('  + ')))
      expect(real.out).toContain(l.replace(/ 005\w+$/, ''));
    expect(real.out).toMatch(/^only a person can do:\n {2}- no Outbound Message on Lead or Contact/m);
    expect(salesforce.org.fieldOf('Contact', 'Baton_SLA_Due__c')).toBeDefined();
    expect(salesforce.org.grant('Lead', 'Baton_Reason__c')).toEqual({ read: true, edit: true });

    const creates = () =>
      salesforce.calls('/tooling/sobjects/', 'POST').length + salesforce.calls('/sobjects/Permission', 'POST').length;
    const before = creates();
    const next = await again(w, {}, ['setup', 'salesforce']);
    expect(next.code).toBe(0);
    expect(next.out.split('\n').slice(0, 2)).toEqual(second.split('\n').slice(0, 2));
    expect(next.out).toMatch(/^already there: 14 \(/m);
    expect(creates()).toBe(before);
  });

  it('doctor then names only what a person must do, and exits 0 once that is done', async () => {
    const last = runs(w, 'doctor').at(-1)!;
    expect(last.code).toBe(1);
    expect(problems(last.out).map((m) => [m[2], m[4]])).toEqual([['config.approved', 'you']]);
    expect(last.out).toMatch(
      /^warn {4}salesforce\.changes: no Outbound Message on Lead or Contact.* — fix \(you\): Setup → Process Automation → Workflow Actions → Outbound Messages → New/m,
    );
    expectHonestOutput(w);

    approve(w.dir);
    const done = await again(w, {}, ['doctor']);
    expect(done.code).toBe(0);
    expect(lastLine(done.out)).toMatch(/^all \d+ checks hold \(see the warnings\)$/);
  });
});
