import { describe, expect, it } from 'vitest';
import { TEMPLATE_NAMES, templateRefs } from '../../src/config/templates.ts';

describe('templateRefs', () => {
  it('reads every {{ name }}, spaces allowed', () => {
    expect(templateRefs('New MQL: {{person.first_name}} {{ person.last_name }} ({{stage}})')).toEqual({
      refs: [
        { name: 'person.first_name', offset: 9 },
        { name: 'person.last_name', offset: 31 },
        { name: 'stage', offset: 55 },
      ],
    });
    expect(templateRefs('no names')).toEqual({ refs: [] });
  });

  it('stops at an unclosed or malformed placeholder', () => {
    expect(templateRefs('a {{stage}} b {{reason').error).toBe("unclosed '{{' at character 15 of the template");
    expect(templateRefs('{{ a b }}').error).toBe(
      "'{{ a b }}' is not a name (expected e.g. {{stage}} or {{person.title}})",
    );
  });

  it('lists the names mappings.md allows', () => {
    expect(TEMPLATE_NAMES).toEqual([
      'stage',
      'scores.fit',
      'scores.engagement',
      'reason',
      'reject_reason',
      'sla.due',
      'attribution.summary',
      'owner.name',
      'owner.email',
      'routing.reason',
    ]);
  });
});
