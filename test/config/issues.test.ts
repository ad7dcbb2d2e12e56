import { describe, expect, it } from 'vitest';
import { validateWith } from '../../src/config/issues.ts';
import { condition, fieldsSchema, routingSchema } from '../../src/config/schema.ts';
import { parseYamlSource } from '../../src/config/yaml-source.ts';

function problems(text: string, schema: Parameters<typeof validateWith>[1]): string[] {
  const source = parseYamlSource('x.yaml', text);
  if (source.problems.length) return source.problems.map((p) => `${p.line}:${p.col}: ${p.message}`);
  const result = validateWith(source, schema);
  return result.ok ? [] : result.problems.map((p) => `${p.line}:${p.col}: ${p.message}`);
}

describe('conditions: one human message, or the problem inside the form meant', () => {
  it('accepts every form', () => {
    const text = [
      'all:',
      '  - { field: person.title, matches: "(?i)vp" }',
      '  - { score: fit, gte: 40, lt: 90 }',
      '  - { event: custom:webinar_attended, where: { url: { matches: "/p" }, form: x }, within: 7d, count: { gte: 2 } }',
      '  - any: [{ not: { field: deal.stage, exists: true } }]',
    ].join('\n');
    expect(problems(text, condition)).toEqual([]);
  });

  it('says what a condition is when the input is none of the forms', () => {
    expect(problems('- 1\n', condition)).toEqual([
      '1:1: expected a condition: { field, OP }, { score, OP }, { event, ... }, { all }, { any } or { not }',
    ]);
  });

  it('reports unknown operators at their keys, inside where too', () => {
    expect(problems('field: person.x\neq: 1\nfoo: 1\n', condition)).toEqual([
      "3:1: unknown operator 'foo' (operators: eq, ne, in, nin, gt, gte, lt, lte, matches, exists, contains)",
    ]);
    expect(problems('event: page_view\nwhere: { url: { matchs: "/p" } }\n', condition)).toEqual([
      "2:17: unknown operator 'matchs' (operators: eq, ne, in, nin, gt, gte, lt, lte, matches, exists, contains)",
    ]);
  });

  it('finds problems deep inside all/any/not', () => {
    expect(problems('any:\n  - { field: person.x, eq: [1, 2] }\n  - not: { score: fit }\n', condition)).toEqual([
      '2:28: any[0].eq: expected a single value (text, number or true/false)',
      '3:10: any[1].not: a score condition needs an operator: eq, ne, gt, gte, lt, lte',
    ]);
  });

  it('names bad event types, durations and empty lists', () => {
    expect(problems('event: page_vue\nwithin: 30\n', condition)).toEqual([
      "1:8: event: unknown event type 'page_vue' (expected one of form_submission, email_open, email_click, page_view, meeting_booked, campaign_response or custom:NAME)",
      '2:9: within: 30 is not a duration: a bare number needs a unit (s, m, h or d), e.g. 30d',
    ]);
    expect(problems('event: page_view\nwithin: 3w\n', condition)).toEqual([
      "2:9: within: '3w' is not a duration; expected a duration: a number with one unit of s, m, h or d, such as 90s, 15m, 4h or 30d",
    ]);
    expect(problems('all: []\n', condition)).toEqual(['1:6: all: must not be empty']);
    expect(problems('field: person.x\n', condition)).toEqual([
      '1:1: a field condition needs an operator: eq, ne, in, nin, gt, gte, lt, lte, matches, exists, contains',
    ]);
  });
});

describe('fields.yaml local rules', () => {
  it('points a bad vocabulary name at its key', () => {
    expect(problems('person:\n  fields:\n    Bad-Name: { hubspot: x, sync: two_way }\n', fieldsSchema)).toEqual([
      "3:5: key 'Bad-Name': a vocabulary name has only letters, digits and _ (e.g. first_name), so templates can name it",
    ]);
  });

  it('needs at least one CRM side and a sync rule', () => {
    expect(problems('person:\n  fields:\n    a: { type: number }\n', fieldsSchema)).toEqual([
      "3:8: missing required key 'sync' in person.fields.a",
    ]);
    expect(problems('person:\n  fields:\n    a: { sync: two_way }\n', fieldsSchema)).toEqual([
      '3:8: person.fields.a: a field needs hubspot, salesforce or both',
    ]);
  });

  it('refuses a CRM value given to two shared values', () => {
    const text =
      'person:\n  fields:\n    s:\n      hubspot: s\n      sync: two_way\n      values:\n        a: { hubspot: X }\n        b: { hubspot: X }\n';
    expect(problems(text, fieldsSchema)).toEqual([
      "8:23: person.fields.s.values.b.hubspot: hubspot value 'X' is already the value of 'a'",
    ]);
  });

  it('needs a reject reason to name a field', () => {
    const text =
      'person: { fields: { s: { salesforce: S, sync: two_way } } }\nfeedback:\n  reject: { field: person.s, eq: R, reason: {} }\n';
    expect(problems(text, fieldsSchema)).toEqual([
      '3:45: feedback.reject.reason: reason needs a salesforce or hubspot field',
    ]);
  });

  it('says the file is empty', () => {
    expect(problems('', fieldsSchema)).toEqual(['1:1: the file is empty; expected a mapping']);
  });
});

describe('routing.yaml local rules', () => {
  it('reports the problem inside the assignment form meant', () => {
    expect(problems('fallback: { round_robin: [] }\n', routingSchema)).toEqual([
      '1:26: fallback.round_robin: must not be empty',
    ]);
    expect(problems('fallback: { round_robin: [a], weights: { a: 0 } }\n', routingSchema)).toEqual([
      '1:45: fallback.weights.a: must be more than 0',
    ]);
    expect(problems('match_accounts: { by: [domain] }\n', routingSchema)).toEqual([
      "1:24: match_accounts.by[0]: unknown match 'domain' (expected one of email_domain, company_name)",
    ]);
  });
});

describe('YAML itself', () => {
  it('reports the first syntax error where the parser stops', () => {
    expect(problems('a: [1, 2\nb: 3\n', condition)[0]).toBe(
      '2:1: YAML syntax error: Flow sequence in block collection must be sufficiently indented and end with a ]',
    );
  });

  it('reports every key given twice, at the second', () => {
    expect(problems('a: 1\nb:\n  c: 2\n  c: 3\na: 4\n', condition)).toEqual([
      '4:3: key given twice (YAML keys must be unique in a mapping)',
      '5:1: key given twice (YAML keys must be unique in a mapping)',
    ]);
  });

  it('points at an alias that names no anchor', () => {
    expect(problems('a: 1\nb: *nowhere\n', condition)).toEqual([
      '2:4: YAML error: Unresolved alias (the anchor must be set before the alias): nowhere',
    ]);
  });
});
