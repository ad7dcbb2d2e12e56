import { execFile } from 'node:child_process';
import { join, relative } from 'node:path';
import { promisify } from 'node:util';
import { afterAll, afterEach, describe, expect, it, vi } from 'vitest';
import { configJsonSchema, run } from '../../src/cli/validate.ts';
import type { Edit, FileName } from '../config/fixture.ts';
import { cleanConfigDirs, configDir, SHIPPED } from '../config/fixture.ts';

const ROOT = join(import.meta.dirname, '..', '..');

async function validate(args: string[]): Promise<{ code: number; stdout: string; stderr: string }> {
  const out: string[] = [];
  const err: string[] = [];
  const log = vi.spyOn(console, 'log').mockImplementation((...a: unknown[]) => void out.push(a.join(' ')));
  const error = vi.spyOn(console, 'error').mockImplementation((...a: unknown[]) => void err.push(a.join(' ')));
  try {
    const code = await run(args);
    return { code, stdout: out.join('\n'), stderr: err.join('\n') };
  } finally {
    log.mockRestore();
    error.mockRestore();
  }
}

afterEach(() => vi.unstubAllEnvs());
afterAll(cleanConfigDirs);

describe('baton validate: the shipped configuration', () => {
  it('accepts mappings/ (exit 0) and says what it loaded', async () => {
    const r = await validate(['--config', SHIPPED]);
    expect(r).toEqual({ code: 0, stdout: "ok: agreement 'Acme lead handoff' v7, 12 fields", stderr: '' });
  });

  it('accepts the routing example next to them', async () => {
    const r = await validate(['--config', configDir([], { routing: true })]);
    expect(r.code).toBe(0);
    expect(r.stdout).toBe("ok: agreement 'Acme lead handoff' v7, 12 fields, routing: 2 rules");
    expect(r.stderr).toBe('');
  });

  it('reads the folder from $BATON_CONFIG_DIR when --config is absent', async () => {
    vi.stubEnv('BATON_CONFIG_DIR', configDir([{ file: 'fields.yaml', to: null }]));
    const r = await validate([]);
    expect(r.code).toBe(1);
    expect(r.stderr).toContain(`${process.env.BATON_CONFIG_DIR}/fields.yaml:1:1: file not found`);
  });

  it('names files by the folder as given, joined with the file name', async () => {
    const rel = relative(process.cwd(), configDir([{ file: 'agreement.yaml', to: null }]));
    const r = await validate(['--config', `./${rel}`]);
    expect(r.stderr.split('\n')[0]).toBe(`${rel}/agreement.yaml:1:1: file not found`);
  });

  it('refuses an unknown option', async () => {
    const r = await validate(['--confg', 'x']);
    expect(r.code).toBe(1);
    expect(r.stderr).toContain("Unknown option '--confg'");
  });
});

interface BrokenCase {
  name: string;
  edits: Edit[];
  routing?: boolean;
  /** The file, line and column of the (only) problem. */
  at: [FileName, number, number];
  message: string;
}

const A = 'agreement.yaml';
const F = 'fields.yaml';
const R = 'routing.yaml';

const cases: BrokenCase[] = [
  {
    name: 'YAML syntax error, where the parser stops',
    edits: [{ file: A, from: 'name: Acme lead handoff', to: 'name: "Acme lead handoff' }],
    at: [A, 1, 25],
    message: 'YAML syntax error: Missing closing "quote',
  },
  { name: 'missing file', edits: [{ file: F, to: null }], at: [F, 1, 1], message: 'file not found' },
  {
    name: 'unknown key, at the key, naming the allowed ones',
    edits: [{ file: A, from: '    max: 100\n    rules:', to: '    max: 100\n    maxx: 3\n    rules:' }],
    at: [A, 10, 5],
    message: "unknown key 'maxx' (allowed: max, rules)",
  },
  {
    name: 'wrong type, at the value',
    edits: [{ file: A, from: 'add: 25', to: 'add: lots' }],
    at: [A, 13, 14],
    message: "score.fit.rules[0].add: expected a number, got 'lots'",
  },
  {
    name: 'regular expression that does not compile',
    edits: [{ file: A, from: '(vp|director|', to: '(vp|director(|' }],
    at: [A, 15, 45],
    message:
      "score.fit.rules[1].if.matches: bad regular expression '(?i)\\b(vp|director(|head|chief)\\b': Invalid regular expression",
  },
  {
    name: 'unknown field in the agreement',
    edits: [{ file: A, from: 'person.country, in', to: 'person.region, in' }],
    at: [A, 18, 22],
    message:
      "score.fit.rules[2].if.field: unknown field 'person.region': fields.yaml defines person: email, first_name",
  },
  {
    name: 'unknown deal field inside a nested stage condition',
    edits: [{ file: A, from: 'deal.stage, in', to: 'deal.phase, in' }],
    at: [A, 54, 18],
    message: "stages.sql.any[1].field: unknown field 'deal.phase'",
  },
  {
    name: 'duplicate rule id across fit and engagement, at the second',
    edits: [{ file: A, from: 'id: any-form', to: 'id: big-company' }],
    at: [A, 31, 13],
    message: "score.engagement.rules[1].id: duplicate rule id 'big-company' (already used by score.fit.rules[0])",
  },
  {
    name: 'duplicate rule id across engagement and disqualify',
    edits: [{ file: A, from: 'id: employee', to: 'id: demo-request' }],
    at: [A, 57, 9],
    message: "disqualify[0].id: duplicate rule id 'demo-request' (already used by score.engagement.rules[0])",
  },
  {
    name: 'bare number as a duration',
    edits: [{ file: A, from: 'half_life: 30d', to: 'half_life: 30' }],
    at: [A, 25, 16],
    message: 'score.engagement.half_life: 30 is not a duration: a bare number needs a unit',
  },
  {
    name: 'unknown stage under stages:',
    edits: [{ file: A, from: '  sql:\n', to: '  sqll:\n' }],
    at: [A, 51, 3],
    message: "unknown stage 'sqll' (stages with a condition: mql, sql)",
  },
  {
    name: 'unknown stage for the Task',
    edits: [{ file: F, from: 'on: mql', to: 'on: qualified' }],
    at: [F, 61, 11],
    message: "writeback.salesforce.task.on: unknown stage 'qualified' (expected one of lead, mql,",
  },
  {
    name: 'unknown sync rule',
    edits: [{ file: F, from: 'sync: two_way }\n    first_name', to: 'sync: one_way }\n    first_name' }],
    at: [F, 5, 70],
    message: "person.fields.email.sync: unknown sync rule 'one_way' (expected one of two_way, hubspot_wins,",
  },
  {
    name: 'incomplete value map, at the value that lacks a side',
    edits: [{ file: F, from: 'hubspot: closedlost, salesforce: Closed Lost', to: 'hubspot: closedlost' }],
    at: [F, 36, 21],
    message:
      "deal.fields.stage.values.lost: value 'lost' names no salesforce value (the field maps to salesforce: StageName)",
  },
  {
    name: 'deal.stage without won',
    edits: [{ file: F, from: '        won:        { hubspot: closedwon,  salesforce: Closed Won }\n', to: '' }],
    at: [F, 33, 9],
    message: 'deal.fields.stage.values: deal.stage values must define won and lost (missing: won)',
  },
  {
    name: 'missing required key, at the mapping that lacks it',
    edits: [{ file: A, from: '        add: 20\n', to: '' }],
    at: [A, 14, 9],
    message: "missing required key 'add' in score.fit.rules[1]",
  },
  {
    name: 'YAML key given twice, at the second',
    edits: [{ file: A, from: 'reset_engagement: true', to: 'reset_engagement: true\n  reset_engagement: false' }],
    at: [A, 69, 3],
    message: 'key given twice',
  },
  {
    name: 'unknown time zone',
    edits: [{ file: A, from: 'America/New_York', to: 'America/Gotham' }],
    at: [A, 62, 25],
    message: "sla.business_hours.tz: unknown time zone 'America/Gotham' (expected an IANA name",
  },
  {
    name: 'business hours that end before they start',
    edits: [{ file: A, from: 'from: "09:00", to: "17:00"', to: 'from: "17:00", to: "09:00"' }],
    at: [A, 62, 95],
    message: 'sla.business_hours.to: business hours end (09:00) must be after they start (17:00)',
  },
  {
    name: 'template naming something unknown',
    edits: [{ file: F, from: 'baton_reason: "{{reason}}"', to: 'baton_reason: "{{reasons}}"' }],
    at: [F, 48, 21],
    message: 'writeback.hubspot.contact.baton_reason: template {{reasons}} names nothing Baton knows (allowed: stage,',
  },
  {
    name: 'template naming an unknown deal field',
    edits: [{ file: F, from: '{{attribution.summary}}', to: '{{ deal.margin }}' }],
    at: [F, 52, 26],
    message: "writeback.hubspot.deal.baton_attribution: template {{deal.margin}}: unknown field 'deal.margin'",
  },
  {
    name: 'company.NAME with a rule that writes to HubSpot',
    edits: [{ file: F, from: 'type: number, sync: hubspot_to_salesforce', to: 'type: number, sync: two_way' }],
    at: [F, 10, 108],
    message: "person.fields.employees.sync: 'company.numberofemployees' is a company property that Baton never writes",
  },
  {
    name: 'unknown operator inside a field condition, at that key',
    edits: [
      { file: A, from: '{ field: person.employees, gte: 200 }', to: '{ field: person.employees, greater: 200 }' },
    ],
    at: [A, 12, 40],
    message: "unknown operator 'greater' (operators: eq, ne, in, nin, gt, gte, lt, lte, matches, exists, contains)",
  },
  {
    name: 'something that is no condition at all',
    edits: [{ file: A, from: '{ field: person.employees, gte: 200 }', to: '{ fild: person.employees, gte: 200 }' }],
    at: [A, 12, 13],
    message:
      'score.fit.rules[0].if: expected a condition: { field, OP }, { score, OP }, { event, ... }, { all }, { any } or { not }',
  },
  {
    name: 'a value the picklist does not define',
    edits: [{ file: A, from: 'eq: Qualified', to: 'eq: Qualifed' }],
    at: [A, 53, 42],
    message:
      "stages.sql.any[0].eq: 'Qualifed' is not a value of person.lead_status (values: New, Working, Qualified, Rejected)",
  },
  {
    name: 'custom attribution weights that do not sum to 1',
    edits: [
      {
        file: A,
        from: 'default_model: w_shaped',
        to: 'default_model: custom\n  custom: { ft: 0.3, lc: 0.3, oc: 0.2, cw: 0.1, rest: 0 }',
      },
    ],
    at: [A, 72, 11],
    message: 'attribution.custom: the custom weights must sum to 1 (they sum to 0.9)',
  },
  {
    name: 'empty recycle reasons',
    edits: [{ file: A, from: '[no_budget, bad_timing, no_response, wrong_contact]', to: '[]' }],
    at: [A, 66, 12],
    message: 'recycle.reasons: must not be empty',
  },
  {
    name: 'unknown key in routing.yaml',
    routing: true,
    edits: [{ file: R, from: 'skip_inactive: true', to: 'skip_inactve: true' }],
    at: [R, 18, 1],
    message: "unknown key 'skip_inactve' (allowed: match_accounts, rules, fallback, skip_inactive, cap_per_day)",
  },
  {
    name: 'routing rule naming an unknown field',
    routing: true,
    edits: [{ file: R, from: 'person.country, in: [DE', to: 'person.land, in: [DE' }],
    at: [R, 14, 18],
    message: "rules[1].if.field: unknown field 'person.land'",
  },
  {
    name: 'routing weight for someone outside the round robin',
    routing: true,
    edits: [{ file: R, from: '{ ana@acme.example: 2 }', to: '{ zed@acme.example: 2 }' }],
    at: [R, 12, 18],
    message: "weight for 'zed@acme.example', who is not in round_robin",
  },
  {
    name: 'routing assignment of neither form',
    routing: true,
    edits: [{ file: R, from: '{ user: carla@acme.example }', to: '{ usr: carla@acme.example }' }],
    at: [R, 15, 13],
    message:
      'rules[1].assign: expected an assignment: { user: NAME } or { round_robin: [NAME, ...], weights?: { NAME: N } }',
  },
];

describe('baton validate: broken configurations', () => {
  it.each(cases)('$name', async (c) => {
    const dir = configDir(c.edits, { routing: c.routing });
    const r = await validate(['--config', dir]);
    expect(r.code).toBe(1);
    expect(r.stdout).toBe('');
    const lines = r.stderr.split('\n');
    const [file, line, col] = c.at;
    expect(lines[0]).toBe(`${join(dir, file)}:${line}:${col}: ${lines[0].split(': ').slice(1).join(': ')}`);
    expect(lines[0].startsWith(`${join(dir, file)}:${line}:${col}: ${c.message}`)).toBe(true);
    expect(lines.at(-1)).toBe('1 problem');
  });

  it('reports every problem of every file, one line each, in file order', async () => {
    const dir = configDir([
      { file: A, from: 'add: 25', to: 'add: lots' },
      { file: A, from: 'half_life: 30d', to: 'half_life: 30' },
      { file: F, from: 'on: mql', to: 'on: qualified' },
    ]);
    const r = await validate(['--config', dir]);
    expect(r.code).toBe(1);
    expect(r.stderr.split('\n').map((l) => l.split(': ')[0])).toEqual([
      `${dir}/agreement.yaml:13:14`,
      `${dir}/agreement.yaml:25:16`,
      `${dir}/fields.yaml:61:11`,
      '3 problems',
    ]);
  });
});

describe('baton validate: drafts and warnings', () => {
  it('accepts a draft (exit 0) and names the side that has not approved it', async () => {
    const dir = configDir([{ file: A, from: ', approved: 2026-11-03', to: '' }]);
    const r = await validate(['--config', dir]);
    expect(r.code).toBe(0);
    expect(r.stdout).toBe("ok: agreement 'Acme lead handoff' v7, 12 fields");
    expect(r.stderr).toBe(
      `${dir}/agreement.yaml:5:14: warning: draft agreement 'Acme lead handoff' v7: sales has not approved it ` +
        '(owners.sales.approved); baton serve applies only an agreement both sides approved',
    );
  });

  it('names both sides when neither has approved', async () => {
    const dir = configDir([
      { file: A, from: ', approved: 2026-11-03', to: '' },
      { file: A, from: ', approved: 2026-11-01', to: '' },
    ]);
    const r = await validate(['--config', dir]);
    expect(r.code).toBe(0);
    expect(r.stderr).toContain(
      'neither marketing nor sales has approved it (owners.marketing.approved, owners.sales.approved)',
    );
  });

  it('warns about an engagement rule that a catch-all above it shadows', async () => {
    const dir = configDir([
      {
        file: A,
        from: '      - id: demo-request\n        on: form_submission\n        where: { form: demo-request }\n        add: 40\n',
        to: '',
      },
      {
        file: A,
        from: '        on: form_submission\n        add: 10\n',
        to: '        on: form_submission\n        add: 10\n      - id: demo-request\n        on: form_submission\n        where: { form: demo-request }\n        add: 40\n',
      },
    ]);
    const r = await validate(['--config', dir]);
    expect(r.code).toBe(0);
    expect(r.stderr).toBe(
      `${dir}/agreement.yaml:30:13: warning: rule 'demo-request' never counts: rule 'any-form' above it takes every form_submission event`,
    );
  });
});

describe('baton validate --schema', () => {
  it('prints one JSON Schema with agreement, fields, routing and alerts, each also under $defs', async () => {
    const r = await validate(['--schema']);
    expect(r.code).toBe(0);
    const schema = JSON.parse(r.stdout);
    expect(schema).toEqual(configJsonSchema());
    expect(schema.$schema).toBe('https://json-schema.org/draft/2020-12/schema');
    expect(schema.type).toBe('object');
    expect(Object.keys(schema.properties)).toEqual(['agreement', 'fields', 'routing', 'alerts']);
    expect(schema.required).toEqual(['agreement', 'fields']);
    for (const name of ['agreement', 'fields', 'routing', 'alerts']) {
      expect(schema.properties[name]).toEqual({
        $ref: `#/$defs/${name}`,
        description: expect.stringContaining(`${name}.yaml`),
      });
      expect(schema.$defs[name].type).toBe('object');
      expect(schema.$defs[name].additionalProperties).toBe(false);
    }
    expect(Object.keys(schema.$defs.agreement.properties)).toEqual(
      expect.arrayContaining(['name', 'version', 'owners', 'score', 'stages', 'sla', 'recycle', 'attribution']),
    );
    expect(schema.$defs.fields.properties.person.properties.fields.additionalProperties.properties.sync.enum).toContain(
      'two_way',
    );
    // The recursive condition is one named definition the others point at.
    expect(schema.$defs.condition.anyOf).toHaveLength(6);
  });
});

describe('the baton bin under plain node', () => {
  const exec = promisify(execFile);

  it('validates the shipped mappings (exit 0)', async () => {
    const { stdout } = await exec(process.execPath, ['bin/baton.js', 'validate', '--config', 'mappings'], {
      cwd: ROOT,
    });
    expect(stdout.trim()).toBe("ok: agreement 'Acme lead handoff' v7, 12 fields");
  });

  it('exits 1 with file:line:col for a broken folder', async () => {
    const dir = configDir([{ file: A, from: 'add: 25', to: 'add: lots' }]);
    const err = await exec(process.execPath, ['bin/baton.js', 'validate', '--config', dir], { cwd: ROOT }).then(
      () => null,
      (e: { code: number; stderr: string }) => e,
    );
    expect(err?.code).toBe(1);
    expect(err?.stderr).toContain(`${dir}/agreement.yaml:13:14: score.fit.rules[0].add: expected a number, got 'lots'`);
  });
});
