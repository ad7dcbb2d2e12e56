import { describe, expect, it } from 'vitest';
import {
  compileTemplate,
  isTemplateName,
  renderWriteback,
  templateNames,
  TEMPLATE_NAMES,
  type TemplateContext,
} from '../../src/mapping/templates.ts';

const ctx: TemplateContext = {
  stage: 'mql',
  scores: { fit: 44.5, engagement: 31.49 },
  reason: 'mql: rule:demo-request',
  reject_reason: 'bad_timing',
  sla: { due: '2026-11-24T15:00:00+01:00' },
  attribution: { summary: 'w_shaped: Autumn Data Summit 45.00%' },
  owner: { name: 'Sam Rep', email: 'sam@corp.example' },
  routing: { reason: 'round robin: emea' },
  person: { first_name: 'Ana', last_name: 'Lima', employees: 850, company_name: null },
  deal: { name: 'Big deal', amount: 60250.38 },
};

describe('compileTemplate', () => {
  it.each([
    ['{{stage}}', 'mql'],
    ['{{scores.fit}}', '45'],
    ['{{scores.engagement}}', '31'],
    ['{{reason}}', 'mql: rule:demo-request'],
    ['{{reject_reason}}', 'bad_timing'],
    ['{{sla.due}}', '2026-11-24T14:00:00Z'],
    ['{{attribution.summary}}', 'w_shaped: Autumn Data Summit 45.00%'],
    ['{{owner.name}}', 'Sam Rep'],
    ['{{owner.email}}', 'sam@corp.example'],
    ['{{routing.reason}}', 'round robin: emea'],
    ['{{person.employees}}', '850'],
    ['{{deal.amount}}', '60250.38'],
    ['New MQL: {{person.first_name}} {{ person.last_name }} ({{person.company_name}})', 'New MQL: Ana Lima ()'],
    ['{{person.unknown_field}}|{{deal.stage}}', '|'],
    ['no placeholders', 'no placeholders'],
    ['{{stage', '{{stage'],
  ])('%s → %s', (template, expected) => {
    expect(compileTemplate(template)(ctx)).toBe(expected);
  });

  it('renders every allowed name as empty when the context lacks it', () => {
    const all = TEMPLATE_NAMES.map((n) => `{{${n}}}`).join('') + '{{person.x}}{{deal.y}}';
    expect(compileTemplate(all)({})).toBe('');
  });

  it('accepts a Date or epoch ms for sla.due', () => {
    expect(compileTemplate('{{sla.due}}')({ sla: { due: new Date(Date.UTC(2026, 10, 24, 14)) } })).toBe(
      '2026-11-24T14:00:00Z',
    );
    expect(compileTemplate('{{sla.due}}')({ sla: { due: Date.UTC(2026, 10, 24, 14, 30) } })).toBe(
      '2026-11-24T14:30:00Z',
    );
  });

  it('rounds scores to whole numbers', () => {
    expect(compileTemplate('{{scores.fit}}/{{scores.engagement}}')({ scores: { fit: 0.5, engagement: 99.49 } })).toBe(
      '1/99',
    );
  });

  it('refuses a name templates may not use', () => {
    expect(() => compileTemplate('{{secret}}')).toThrow(/'\{\{secret\}\}' is not allowed/);
    expect(() => compileTemplate('{{person}}')).toThrow(/not allowed/);
  });
});

describe('templateNames and isTemplateName', () => {
  it('lists the names once each, in order', () => {
    expect(templateNames('{{stage}} {{ person.first_name }} {{stage}} {{bogus}}')).toEqual([
      'stage',
      'person.first_name',
      'bogus',
    ]);
  });
  it.each([
    ['stage', true],
    ['scores.fit', true],
    ['routing.reason', true],
    ['person.first_name', true],
    ['person.nope', false],
    ['deal.amount', true],
    ['deal.first_name', false],
    ['scores.total', false],
    ['owner.phone', false],
  ])('%s allowed: %s', (name, expected) => {
    expect(isTemplateName(name, { person: ['first_name'], deal: ['amount'] })).toBe(expected);
  });
});

describe('renderWriteback', () => {
  it('renders each target field', () => {
    expect(
      renderWriteback(
        { Baton_Stage__c: '{{stage}}', Baton_Fit_Score__c: '{{scores.fit}}', Baton_SLA_Due__c: '{{sla.due}}' },
        ctx,
      ),
    ).toEqual({ Baton_Stage__c: 'mql', Baton_Fit_Score__c: '45', Baton_SLA_Due__c: '2026-11-24T14:00:00Z' });
  });

  it('cuts each value to its field length', () => {
    const long = { reason: 'r'.repeat(100) };
    expect(
      renderWriteback({ Baton_Reason__c: '{{reason}}', Other__c: '{{reason}}' }, long, {
        fieldLengths: { Baton_Reason__c: 10 },
        maxLength: 50,
      }),
    ).toEqual({
      Baton_Reason__c: 'r'.repeat(10),
      Other__c: 'r'.repeat(50),
    });
  });
});
