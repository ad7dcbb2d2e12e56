import { copyFileSync, mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { checkConfig, loadAgreementFile, loadConfig, missingApprovals } from '../../src/config/load.ts';
import { ConfigError } from '../../src/platform/errors.ts';
import { cleanConfigDirs, configDir, SHIPPED } from './fixture.ts';

afterAll(cleanConfigDirs);

describe('loadConfig', () => {
  it('loads the shipped folder with defaults applied and no routing', async () => {
    const config = await loadConfig(SHIPPED);
    expect(config.dir).toBe(SHIPPED);
    expect(config.routing).toBeNull();
    expect(config.files).toEqual({
      agreement: join(SHIPPED, 'agreement.yaml'),
      fields: join(SHIPPED, 'fields.yaml'),
      routing: null,
      alerts: null,
    });
    expect(config.alerts).toBeNull();
    expect(config.texts.agreement).toContain('name: Acme lead handoff');
    expect(config.texts.routing).toBeNull();
    expect(config.warnings).toEqual([]);
    expect(config.agreement.version).toBe(7);
    expect(config.agreement.owners.sales.approved).toBe('2026-11-03');
    expect(config.agreement.score.fit.rules.map((r) => r.id)).toEqual([
      'big-company',
      'senior-title',
      'target-country',
      'free-mail',
    ]);
    expect(config.agreement.stages.sql).toEqual({
      any: [
        { field: 'person.lead_status', eq: 'Qualified' },
        { field: 'deal.stage', in: ['discovery', 'proposal'] },
      ],
    });
    expect(config.agreement.sla?.business_hours).toEqual({
      tz: 'America/New_York',
      days: ['mon', 'tue', 'wed', 'thu', 'fri'],
      from: '09:00',
      to: '17:00',
    });
    expect(config.agreement.attribution).toEqual({
      default_model: 'w_shaped',
      lookback: '365d',
      time_decay_half_life: '7d',
      scope: 'contact_roles',
      costs: [
        { campaign: 'Handoff Guide', cost: 2500 },
        { channel: 'organic_search', cost: 1500 },
      ],
    });
    expect(config.fields.person.fields.title).toEqual({
      hubspot: 'jobtitle',
      salesforce: 'Title',
      sync: 'prefer_salesforce_unless_blank',
      type: 'string',
    });
    expect(config.fields.person.fields.lead_status.values?.Working).toEqual({
      hubspot: 'IN_PROGRESS',
      salesforce: 'Working - Contacted',
    });
    expect(config.fields.writeback?.hubspot?.owner).toBe(false);
    expect(config.fields.writeback?.salesforce?.task).toEqual({
      on: 'mql',
      subject: 'New MQL: {{person.first_name}} {{person.last_name}} ({{person.company_name}})',
      due: 'sla',
    });
  });

  it('loads routing.yaml when present', async () => {
    const config = await loadConfig(configDir([], { routing: true }));
    expect(config.files.routing).toBe(join(config.dir, 'routing.yaml'));
    expect(config.routing).toEqual({
      match_accounts: {
        by: ['email_domain', 'company_name'],
        ignore_domains: ['gmail.com', 'yahoo.com', 'outlook.com', 'hotmail.com'],
        owner: 'account_owner',
        create: 'contact',
      },
      rules: [
        {
          id: 'enterprise',
          if: { field: 'person.employees', gte: 1000 },
          assign: { round_robin: ['ana@acme.example', 'bo@acme.example'], weights: { 'ana@acme.example': 2 } },
        },
        { id: 'dach', if: { field: 'person.country', in: ['DE', 'AT', 'CH'] }, assign: { user: 'carla@acme.example' } },
      ],
      fallback: { round_robin: ['sdr1@acme.example', 'sdr2@acme.example'] },
      skip_inactive: true,
      cap_per_day: 25,
    });
  });

  it('throws one ConfigError carrying every problem', async () => {
    const dir = configDir([
      { file: 'agreement.yaml', from: 'add: 25', to: 'add: lots' },
      { file: 'fields.yaml', from: 'on: mql', to: 'on: qualified' },
    ]);
    const err = await loadConfig(dir).catch((e: unknown) => e);
    expect(err).toBeInstanceOf(ConfigError);
    const problems = (err as ConfigError).problems;
    expect(problems.map((p) => [p.file, p.line, p.col])).toEqual([
      [join(dir, 'agreement.yaml'), 13, 14],
      [join(dir, 'fields.yaml'), 61, 11],
    ]);
    expect((err as ConfigError).message.split('\n')[0]).toBe(
      `${join(dir, 'agreement.yaml')}:13:14: score.fit.rules[0].add: expected a number, got 'lots'`,
    );
  });

  it('does not check agreement names against a fields.yaml that is itself broken', async () => {
    const dir = configDir([
      {
        file: 'fields.yaml',
        from: 'sync: salesforce_wins\n      values:                 #',
        to: 'sync: salesforce_winz\n      values:                 #',
      },
      { file: 'agreement.yaml', from: 'person.country, in', to: 'person.region, in' },
    ]);
    const { problems, config } = await checkConfig(dir);
    expect(config).toBeUndefined();
    expect(problems.map((p) => `${p.line}:${p.col}`)).toEqual(['15:13']);
  });

  it('names routing problems in routing.yaml', async () => {
    const dir = configDir([{ file: 'routing.yaml', from: '  - id: dach', to: '  - id: enterprise' }], {
      routing: true,
    });
    const { problems } = await checkConfig(dir);
    expect(problems).toEqual([
      {
        file: join(dir, 'routing.yaml'),
        line: 13,
        col: 9,
        message: "rules[1].id: duplicate rule id 'enterprise' (already used by rules[0])",
      },
    ]);
  });

  it('warns when on_breach: reassign has no routing.yaml to reassign by', async () => {
    const dir = configDir([{ file: 'agreement.yaml', from: 'on_breach: escalate', to: 'on_breach: reassign' }]);
    const { problems, warnings } = await checkConfig(dir);
    expect(problems).toEqual([]);
    expect(warnings).toEqual([
      `${join(dir, 'agreement.yaml')}:63:14: warning: on_breach: reassign needs routing.yaml to know whom to give the person to`,
    ]);
  });

  it('accepts the SLA tiers of routing.md and checks their names', async () => {
    const tiers =
      'sla:\n  accept_within: 24h\n  tiers:\n' +
      '    - { when: { event: form_submission, where: { form: demo-request }, within: 1d }, accept_within: 30m }\n' +
      '    - { when: { field: person.seniority, eq: vp }, accept_within: 4h }\n' +
      '  remind_before: 15m\n';
    const dir = configDir([{ file: 'agreement.yaml', from: 'sla:\n  accept_within: 24h\n', to: tiers }], {
      routing: true,
    });
    const { problems } = await checkConfig(dir);
    expect(problems.map((p) => `${p.line}:${p.col}: ${p.message.split(':')[0]}`)).toEqual([
      '64:24: sla.tiers[1].when.field',
    ]);
  });
});

describe('loadAgreementFile', () => {
  it('checks names against the fields.yaml beside it', async () => {
    const { agreement, text, warnings } = await loadAgreementFile(join(SHIPPED, 'agreement.yaml'));
    expect(agreement.name).toBe('Acme lead handoff');
    expect(text).toContain('version: 7');
    expect(warnings).toEqual([]);
    const dir = configDir([{ file: 'agreement.yaml', from: 'person.country, in', to: 'person.region, in' }]);
    const err = await loadAgreementFile(join(dir, 'agreement.yaml')).catch((e: unknown) => e);
    expect((err as ConfigError).problems).toEqual([
      expect.objectContaining({ file: join(dir, 'agreement.yaml'), line: 18, col: 22 }),
    ]);
  });

  it('without a fields.yaml beside it, validates the file alone and says names were not checked', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'baton-agreement-'));
    try {
      copyFileSync(join(SHIPPED, 'agreement.yaml'), join(dir, 'other.yaml'));
      const { agreement, warnings } = await loadAgreementFile(join(dir, 'other.yaml'));
      expect(agreement.version).toBe(7);
      expect(warnings).toEqual([
        `${join(dir, 'other.yaml')}:1:1: warning: field names were not checked (there is no ${join(dir, 'fields.yaml')})`,
      ]);
      const missing = await loadAgreementFile(join(dir, 'nope.yaml')).catch((e: unknown) => e);
      expect((missing as ConfigError).problems).toEqual([
        { file: join(dir, 'nope.yaml'), line: 1, col: 1, message: 'file not found' },
      ]);
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });

  it('returns the draft warning', async () => {
    const dir = configDir([{ file: 'agreement.yaml', from: ', approved: 2026-11-01', to: '' }]);
    const { warnings } = await loadAgreementFile(join(dir, 'agreement.yaml'));
    expect(warnings).toHaveLength(1);
    expect(warnings[0]).toMatch(
      /:4:14: warning: draft agreement 'Acme lead handoff' v7: marketing has not approved it/,
    );
  });
});

describe('missingApprovals', () => {
  it('lists the sides without an approved date', async () => {
    const { agreement } = await loadAgreementFile(join(SHIPPED, 'agreement.yaml'));
    expect(missingApprovals(agreement)).toEqual([]);
    const draft = {
      ...agreement,
      owners: { marketing: agreement.owners.marketing, sales: { name: 'Raj Patel', email: 'raj@acme.example' } },
    };
    expect(missingApprovals(draft)).toEqual(['sales']);
    const none = {
      ...agreement,
      owners: { marketing: { name: 'D', email: 'd@x' }, sales: { name: 'R', email: 'r@x' } },
    };
    expect(missingApprovals(none)).toEqual(['marketing', 'sales']);
  });
});

describe('agreement cross-checks', () => {
  it('refuses a reject reason listed twice, at the second', async () => {
    const dir = configDir([
      { file: 'agreement.yaml', from: 'no_response, wrong_contact]', to: 'no_response, bad_timing]' },
    ]);
    const { problems } = await checkConfig(dir);
    expect(problems.map((p) => `${p.line}:${p.col}: ${p.message}`)).toEqual([
      "66:49: recycle.reasons[3]: reason 'bad_timing' is listed twice",
    ]);
  });

  it('warns about a reminder that is not before the shortest deadline', async () => {
    const tiers =
      'sla:\n  accept_within: 24h\n  tiers:\n    - { when: { score: fit, gte: 70 }, accept_within: 30m }\n  remind_before: 30m\n';
    const dir = configDir([{ file: 'agreement.yaml', from: 'sla:\n  accept_within: 24h\n', to: tiers }]);
    const { problems, warnings } = await checkConfig(dir);
    expect(problems).toEqual([]);
    expect(warnings).toEqual([
      `${join(dir, 'agreement.yaml')}:64:18: warning: remind_before 30m is not shorter than every deadline, so some reminders would come at the handoff itself`,
    ]);
  });
});
