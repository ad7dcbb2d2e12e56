import { describe, expect, it } from 'vitest';
import { compileCondition, describeCondition } from '../../src/agreement/condition.ts';
import type { ConditionContext, CountedEvent } from '../../src/agreement/types.ts';
import type { Condition } from '../../src/config/schema.ts';

const DAY = 86_400_000;
const AT = Date.parse('2026-11-23T00:00:00Z');

function ctx(over: Partial<ConditionContext> = {}): ConditionContext {
  return {
    email: 'ana@corp.example',
    person: { title: 'VP Operations', employees: 850, country: 'US' },
    deal: null,
    scores: { fit: 45, engagement: 30 },
    events: [],
    at: AT,
    ...over,
  };
}

function e(type: string, daysAgo: number, properties: Record<string, unknown> = {}): CountedEvent {
  return { type, t: AT - daysAgo * DAY, properties };
}

const events = [
  e('form_submission', 40, { form: 'ebook' }),
  e('page_view', 10, { url: '/pricing/enterprise' }),
  e('form_submission', 7, { form: 'demo-request' }),
  e('page_view', 2, { url: '/docs' }),
  e('page_view', 1, { url: '/pricing' }),
];

const rows: [string, Condition, Partial<ConditionContext>, boolean][] = [
  ['person field', { field: 'person.employees', gte: 200 }, {}, true],
  ['bare name is a person field', { field: 'country', eq: 'US' }, {}, true],
  ['deal field without deal is missing', { field: 'deal.stage', in: ['discovery'] }, {}, false],
  ['deal field', { field: 'deal.stage', in: ['discovery'] }, { deal: { stage: 'discovery' } }, true],
  ['ne on missing deal holds', { field: 'deal.stage', ne: 'won' }, {}, true],
  ['person.email falls back to the key', { field: 'person.email', matches: '@corp\\.example$' }, {}, true],
  [
    'person.email field wins over the key',
    { field: 'person.email', matches: '@corp' },
    { person: { email: 'x@other.example' } },
    false,
  ],
  ['score fit', { score: 'fit', gte: 40 }, {}, true],
  ['score engagement', { score: 'engagement', gt: 30 }, {}, false],
  ['event ever', { event: 'form_submission' }, { events }, true],
  ['event where plain value', { event: 'form_submission', where: { form: 'demo-request' } }, { events }, true],
  ['event where no match', { event: 'form_submission', where: { form: 'contact' } }, { events }, false],
  [
    'event where operator',
    { event: 'page_view', where: { url: { matches: '^/pricing' } }, count: { gte: 2 } },
    { events },
    true,
  ],
  [
    'event count not reached',
    { event: 'page_view', where: { url: { matches: '^/pricing' } }, count: { gte: 3 } },
    { events },
    false,
  ],
  ['event within', { event: 'form_submission', within: '7d' }, { events }, true],
  [
    'event within boundary included',
    { event: 'form_submission', where: { form: 'demo-request' }, within: '7d' },
    { events },
    true,
  ],
  [
    'event outside window',
    { event: 'form_submission', where: { form: 'demo-request' }, within: '6d' },
    { events },
    false,
  ],
  ['event after the evaluation time', { event: 'form_submission' }, { events: [e('form_submission', -1)] }, false],
  [
    'event at or before reset does not count',
    { event: 'form_submission' },
    { events: [e('form_submission', 5)], since: AT - 5 * DAY },
    false,
  ],
  [
    'event after reset counts',
    { event: 'form_submission' },
    { events: [e('form_submission', 5)], since: AT - 6 * DAY },
    true,
  ],
  [
    'event beyond count prefix does not count',
    { event: 'page_view', where: { url: '/pricing' } },
    { events, count: 4 },
    false,
  ],
  [
    'all',
    {
      all: [
        { score: 'fit', gte: 40 },
        { score: 'engagement', gte: 30 },
      ],
    },
    {},
    true,
  ],
  [
    'all one fails',
    {
      all: [
        { score: 'fit', gte: 40 },
        { score: 'engagement', gte: 31 },
      ],
    },
    {},
    false,
  ],
  [
    'any',
    {
      any: [
        { score: 'fit', gte: 99 },
        { field: 'person.country', eq: 'US' },
      ],
    },
    {},
    true,
  ],
  [
    'any none',
    {
      any: [
        { score: 'fit', gte: 99 },
        { field: 'person.country', eq: 'FR' },
      ],
    },
    {},
    false,
  ],
  ['not', { not: { field: 'person.country', eq: 'FR' } }, {}, true],
  ['nested', { not: { any: [{ all: [{ score: 'fit', gte: 0 }] }] } }, {}, false],
];

describe('compileCondition', () => {
  it.each(rows)('%s', (_name, cond, over, expected) => {
    expect(compileCondition(cond)(ctx(over))).toBe(expected);
  });
});

describe('describeCondition', () => {
  it('describes without values', () => {
    expect(describeCondition({ field: 'person.employees', gte: 200 })).toBe('employees ≥ 200');
    expect(
      describeCondition({
        any: [
          {
            all: [
              { score: 'fit', gte: 40 },
              { score: 'engagement', gte: 30 },
            ],
          },
          { event: 'form_submission', where: { form: 'demo-request' } },
        ],
      }),
    ).toBe('((fit ≥ 40 and engagement ≥ 30) or form_submission where form = demo-request)');
    expect(
      describeCondition({
        event: 'page_view',
        where: { url: { matches: '/pricing' } },
        within: '1d',
        count: { gte: 2 },
      }),
    ).toBe('2 × page_view where url ~ //pricing/ within 1d');
    expect(describeCondition({ not: { field: 'deal.stage', in: ['won', 'lost'] } })).toBe(
      'not deal.stage in [won, lost]',
    );
    expect(describeCondition({ field: 'person.phone', exists: false })).toBe('phone is missing');
  });

  it('shows the values seen', () => {
    const c = ctx();
    expect(describeCondition({ field: 'person.employees', gte: 200 }, c)).toBe('employees 850 ≥ 200');
    expect(describeCondition({ field: 'person.title', matches: '(?i)\\bvp\\b' }, c)).toBe(
      'title "VP Operations" ~ /(?i)\\bvp\\b/',
    );
    expect(describeCondition({ field: 'person.phone', exists: true }, c)).toBe('phone (missing) exists');
    expect(describeCondition({ score: 'fit', gte: 40 }, c)).toBe('fit 45 ≥ 40');
  });
});

describe('conditionContext', () => {
  it('builds a context from a person’s facts for routing and feedback rules', async () => {
    const { conditionContext } = await import('../../src/agreement/condition.ts');
    const c = conditionContext(
      {
        email: 'ana@corp.example',
        person: { lead_status: 'Working' },
        deal: null,
        events: [{ type: 'form_submission', at: '2026-11-22T10:00:00Z', properties: { form: 'demo-request' } }],
      },
      '2026-11-23T00:00:00Z',
      { fit: 80, engagement: 10 },
    );
    expect(compileCondition({ field: 'person.lead_status', in: ['Working', 'Qualified'] })(c)).toBe(true);
    expect(compileCondition({ event: 'form_submission', where: { form: 'demo-request' }, within: '1d' })(c)).toBe(true);
    expect(compileCondition({ score: 'fit', gte: 70 })(c)).toBe(true);
    expect(compileCondition({ field: 'person.email', matches: '@corp' })(c)).toBe(true);
  });
});
