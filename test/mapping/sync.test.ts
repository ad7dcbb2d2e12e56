import { describe, expect, it } from 'vitest';
import type { SyncRule } from '../../src/config/schema.ts';
import { mergeFields, type FieldSources, type Incoming } from '../../src/mapping/sync.ts';
import { fields, oneField } from './fixtures.ts';

const T1 = '2026-11-01T10:00:00Z';
const T2 = '2026-11-02T10:00:00Z';
const T3 = '2026-11-03T10:00:00Z';

type Step = [crm: 'hubspot' | 'salesforce', value: unknown, at: string];

/** Applies steps to a one-field config under `rule` and returns the merged value (or `undefined`). */
function run(rule: SyncRule, steps: Step[]): { value: unknown; sources: FieldSources; changed: string[][] } {
  const config = oneField(rule);
  let sources: FieldSources = {};
  let value: unknown;
  const changed: string[][] = [];
  for (const [crm, v, at] of steps) {
    const incoming: Incoming = { crm, values: { f: v }, modifiedAt: at };
    const result = mergeFields('person', config, sources, incoming);
    sources = result.sources;
    value = result.values.f;
    changed.push(result.changed);
  }
  return { value, sources, changed };
}

describe('mergeFields by sync rule', () => {
  const cases: [SyncRule, string, Step[], unknown][] = [
    // two_way: the most recent change by each CRM's own clock
    [
      'two_way',
      'later change wins',
      [
        ['hubspot', 'a', T1],
        ['salesforce', 'b', T2],
      ],
      'b',
    ],
    [
      'two_way',
      'later change wins, reported out of order',
      [
        ['salesforce', 'b', T2],
        ['hubspot', 'a', T1],
      ],
      'b',
    ],
    [
      'two_way',
      'a re-read with the same value is not a change',
      [
        ['hubspot', 'a', T1],
        ['salesforce', 'b', T2],
        ['hubspot', 'a', T3],
      ],
      'b',
    ],
    [
      'two_way',
      'a real change later wins',
      [
        ['hubspot', 'a', T1],
        ['salesforce', 'b', T2],
        ['hubspot', 'c', T3],
      ],
      'c',
    ],
    [
      'two_way',
      'clearing is a change',
      [
        ['hubspot', 'a', T1],
        ['salesforce', 'a', T1],
        ['salesforce', '', T2],
      ],
      null,
    ],
    [
      'two_way',
      'a first blank is no change',
      [
        ['hubspot', 'a', T1],
        ['salesforce', null, T2],
      ],
      'a',
    ],
    ['two_way', 'one side only', [['salesforce', 'b', T1]], 'b'],
    // X_wins: that side always wins, even blank, once it has spoken
    [
      'hubspot_wins',
      'hubspot even if older',
      [
        ['hubspot', 'a', T1],
        ['salesforce', 'b', T2],
      ],
      'a',
    ],
    [
      'hubspot_wins',
      'hubspot even blank',
      [
        ['hubspot', '', T1],
        ['salesforce', 'b', T2],
      ],
      null,
    ],
    ['hubspot_wins', 'salesforce until hubspot speaks', [['salesforce', 'b', T2]], 'b'],
    [
      'salesforce_wins',
      'salesforce even if older',
      [
        ['salesforce', 'b', T1],
        ['hubspot', 'a', T2],
      ],
      'b',
    ],
    [
      'salesforce_wins',
      'salesforce even blank',
      [
        ['hubspot', 'a', T1],
        ['salesforce', null, T2],
      ],
      null,
    ],
    // prefer_X_unless_blank
    [
      'prefer_salesforce_unless_blank',
      'salesforce when set',
      [
        ['salesforce', 'b', T1],
        ['hubspot', 'a', T2],
      ],
      'b',
    ],
    [
      'prefer_salesforce_unless_blank',
      'hubspot when salesforce blank',
      [
        ['salesforce', '', T2],
        ['hubspot', 'a', T1],
      ],
      'a',
    ],
    ['prefer_salesforce_unless_blank', 'hubspot when salesforce silent', [['hubspot', 'a', T1]], 'a'],
    [
      'prefer_hubspot_unless_blank',
      'hubspot when set',
      [
        ['hubspot', 'a', T1],
        ['salesforce', 'b', T2],
      ],
      'a',
    ],
    [
      'prefer_hubspot_unless_blank',
      'salesforce when hubspot blank',
      [
        ['hubspot', ' ', T1],
        ['salesforce', 'b', T2],
      ],
      'b',
    ],
    [
      'prefer_hubspot_unless_blank',
      'both blank',
      [
        ['hubspot', '', T1],
        ['salesforce', null, T2],
      ],
      null,
    ],
    // one way: the other side is never read
    [
      'hubspot_to_salesforce',
      'hubspot only',
      [
        ['hubspot', 'a', T1],
        ['salesforce', 'b', T2],
      ],
      'a',
    ],
    ['hubspot_to_salesforce', 'salesforce alone is ignored', [['salesforce', 'b', T2]], undefined],
    [
      'salesforce_to_hubspot',
      'salesforce only',
      [
        ['salesforce', 'b', T1],
        ['hubspot', 'a', T2],
      ],
      'b',
    ],
    ['salesforce_to_hubspot', 'hubspot alone is ignored', [['hubspot', 'a', T2]], undefined],
    // fill_blanks: whichever side has it
    [
      'fill_blanks',
      'hubspot has it',
      [
        ['hubspot', 'a', T1],
        ['salesforce', '', T2],
      ],
      'a',
    ],
    [
      'fill_blanks',
      'salesforce has it',
      [
        ['hubspot', null, T2],
        ['salesforce', 'b', T1],
      ],
      'b',
    ],
    [
      'fill_blanks',
      'both blank',
      [
        ['hubspot', null, T2],
        ['salesforce', '', T1],
      ],
      null,
    ],
    [
      'fill_blanks',
      'both have it: the later change',
      [
        ['hubspot', 'a', T1],
        ['salesforce', 'b', T2],
      ],
      'b',
    ],
  ];
  it.each(cases)('%s: %s', (rule, _label, steps, expected) => {
    expect(run(rule, steps).value).toEqual(expected);
  });

  it.each<SyncRule>(['two_way', 'hubspot_wins', 'prefer_hubspot_unless_blank', 'fill_blanks', 'hubspot_to_salesforce'])(
    '%s: a stale update from a side never overwrites a fresher one from that side',
    (rule) => {
      const { value, sources } = run(rule, [
        ['hubspot', 'new', T3],
        ['hubspot', 'old', T1],
      ]);
      expect(value).toBe('new');
      expect(sources.f.hubspot).toEqual({ value: 'new', at: T3, changedAt: T3 });
    },
  );

  it('records per side the value, the read time and the time of the last change', () => {
    const { sources } = run('two_way', [
      ['hubspot', 'a', T1],
      ['hubspot', 'a', T2],
      ['salesforce', '', T2],
    ]);
    expect(sources.f).toEqual({
      hubspot: { value: 'a', at: T2, changedAt: T1 },
      salesforce: { value: null, at: T2, changedAt: null },
    });
  });

  it('names the fields whose merged value changed, and only those', () => {
    const { changed } = run('two_way', [
      ['hubspot', 'a', T1],
      ['salesforce', 'a', T2],
      ['salesforce', 'b', T3],
      ['hubspot', 'a', T1],
    ]);
    expect(changed).toEqual([['f'], [], ['f'], []]);
  });

  it('merges a whole record and leaves untold fields as they were', () => {
    const first = mergeFields(
      'person',
      fields,
      {},
      {
        crm: 'hubspot',
        modifiedAt: T1,
        values: { email: 'ana@corp.example', title: 'Ops', employees: 850, lead_status: 'New' },
      },
    );
    expect(first.values).toEqual({ email: 'ana@corp.example', title: 'Ops', employees: 850, lead_status: 'New' });
    const second = mergeFields('person', fields, first.sources, {
      crm: 'salesforce',
      modifiedAt: T2,
      values: { title: 'VP Operations', lead_status: 'Working', company_name: 'Corp' },
    });
    expect(second.values).toEqual({
      email: 'ana@corp.example',
      title: 'VP Operations',
      employees: 850,
      lead_status: 'Working',
      company_name: 'Corp',
    });
    expect(second.changed.sort()).toEqual(['company_name', 'lead_status', 'title']);
  });
});
