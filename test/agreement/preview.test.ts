/** The preview of a draft, on plain data: who changes, handoffs per week, owner load, sales' past rejections. */
import { describe, expect, it } from 'vitest';
import { createPreview, previewDraft, UNASSIGNED, weekOf, type PreviewPerson } from '../../src/agreement/preview.ts';
import { routingSchema } from '../../src/config/routing-schema.ts';
import { simulatedInputs } from '../../src/routing/batch.ts';
import { compileRouting } from '../../src/routing/policy.ts';
import { simulatePerson } from '../../src/agreement/simulation.ts';
import { compileExample, ev } from './example.ts';

const AT = '2026-11-23T00:00:00Z';
const VP = { title: 'VP Operations', employees: 850, country: 'US' };
const live = compileExample();
// the draft: any form from a good fit qualifies (engagement ≥ 10 instead of 30)
const draft = compileExample((c) => {
  c.version = 8;
  delete c.owners.sales.approved;
  c.stages.mql = {
    any: [
      {
        all: [
          { score: 'fit', gte: 40 },
          { score: 'engagement', gte: 10 },
        ],
      },
      { event: 'form_submission', where: { form: 'demo-request' } },
    ],
  } as typeof c.stages.mql;
});

const person = (
  email: string,
  over: Partial<Omit<PreviewPerson, 'input'>> & { input?: Partial<PreviewPerson['input']> } = {},
): PreviewPerson => ({
  owner: '(unassigned)',
  segment: '(unrouted)',
  actualMql: [],
  ...over,
  input: { email, person: VP, events: [], ...over.input },
});

const people: PreviewPerson[] = [
  // qualified under both by the demo request, as it actually was
  person('ana@corp.example', {
    input: { events: [ev('form_submission', '2026-11-02T10:00:00Z', { form: 'demo-request' })] },
    actualMql: ['2026-11-02T10:00:00Z'],
    owner: 'ana@acme.example',
    segment: 'enterprise',
  }),
  // one contact form: a lead today, an MQL under the draft
  person('bo@corp.example', {
    input: { events: [ev('form_submission', '2026-11-10T10:00:00Z', { form: 'contact' })] },
    owner: 'bo@acme.example',
    segment: 'dach',
  }),
  // the same, but sales rejected her before (long enough ago that the hold is over)
  person('cy@corp.example', {
    input: {
      events: [ev('form_submission', '2026-11-16T10:00:00Z', { form: 'ebook' })],
      feedback: [
        { decision: 'reject', reason: 'bad_timing', at: '2026-05-01T09:00:00Z' },
        { decision: 'reject', reason: 'no_budget', at: '2026-06-01T09:00:00Z' },
      ],
    },
    owner: 'bo@acme.example',
    segment: 'dach',
  }),
  // a free-mail engineer: nothing under either
  person('di@gmail.com', {
    input: { person: { title: 'Engineer' }, events: [ev('form_submission', '2026-11-10T10:00:00Z')] },
  }),
];

describe('weekOf', () => {
  it('names the UTC Monday a time falls in', () => {
    expect(weekOf('2026-11-23T00:00:00Z')).toBe('2026-11-23');
    expect(weekOf('2026-11-29T23:59:59Z')).toBe('2026-11-23');
    expect(weekOf('2026-11-30T00:00:00Z')).toBe('2026-11-30');
    expect(weekOf(Date.parse('2026-11-25T12:00:00Z'))).toBe('2026-11-23');
  });
});

describe('previewDraft', () => {
  const r = previewDraft(live, draft, people, AT);

  it('lists who changes stage, as simulate --against decides it', () => {
    expect(r.changed).toEqual([
      {
        email: 'bo@corp.example',
        from: 'lead',
        to: 'mql',
        fromReason: 'lead: no rule',
        toReason: 'mql: rule:any-form',
        owner: 'bo@acme.example',
        segment: 'dach',
        handoff: 'new',
      },
      {
        email: 'cy@corp.example',
        from: 'recycled',
        to: 'mql',
        fromReason: 'recycled: feedback',
        toReason: 'mql: rule:any-form',
        owner: 'bo@acme.example',
        segment: 'dach',
        handoff: 'new',
      },
    ]);
    const sim = people
      .map((p) => simulatePerson(p.input, live, draft, AT).change)
      .filter((c) => c !== null)
      .map((c) => [c.email, c.from, c.to]);
    expect(r.changed.map((c) => [c.email, c.from, c.to])).toEqual(sim);
    expect(r.changed_total).toBe(2);
    expect(r.by_rule).toEqual({ 'mql: rule:any-form': 2 });
    expect(r.counts.live).toMatchObject({ mql: 1, lead: 2, recycled: 1 });
    expect(r.counts.draft).toMatchObject({ mql: 3, lead: 1, recycled: 0 });
    expect(r).toMatchObject({ people: 4, live: { version: 7 }, draft: { version: 8, missing: ['sales'] } });
  });

  it('gives each owner and segment its extra load', () => {
    expect(r.by_owner).toEqual({ 'bo@acme.example': { changed: 2, gained: 2, lost: 0, extra: 2 } });
    expect(r.by_segment).toEqual({ dach: { changed: 2, gained: 2, lost: 0, extra: 2 } });
    expect(r.handoffs).toEqual({ live: 1, draft: 3, actual: 1, newly: 2, no_longer: 0 });
  });

  it('counts MQLs per week under each against the actual ones, empty weeks included', () => {
    expect(r.mql_per_week).toEqual([
      { week: '2026-11-02', actual: 1, live: 1, draft: 1 },
      { week: '2026-11-09', actual: 0, live: 0, draft: 1 },
      { week: '2026-11-16', actual: 0, live: 0, draft: 1 },
    ]);
    // a week with none between two with some is listed, so a chart has no gaps
    const gap = previewDraft(live, draft, [people[0], { ...people[3], actualMql: ['2026-11-20T00:00:00Z'] }], AT);
    expect(gap.mql_per_week.map((w) => [w.week, w.actual])).toEqual([
      ['2026-11-02', 1],
      ['2026-11-09', 0],
      ['2026-11-16', 1],
    ]);
  });

  it("says how many of the newly handed off sales had rejected, by each one's last reason", () => {
    expect(r.already_rejected).toEqual({ people: 1, reasons: { no_budget: 1 } });
  });

  it('counts a handoff the draft drops against the owner', () => {
    const back = previewDraft(draft, live, people, AT);
    expect(back.handoffs).toMatchObject({ newly: 0, no_longer: 2 });
    expect(back.by_owner['bo@acme.example']).toEqual({ changed: 2, gained: 0, lost: 2, extra: -2 });
    expect(back.already_rejected).toEqual({ people: 0, reasons: {} });
  });

  it('reads pages one after another as one list, and keeps only as many changed people as asked', () => {
    const paged = createPreview(live, draft, AT);
    paged.add(people.slice(0, 1));
    paged.add(people.slice(1, 3));
    paged.add(people.slice(3));
    expect(paged.report()).toEqual(r);
    const short = previewDraft(live, draft, people, AT, { keepChanged: 1 });
    expect(short.changed.map((c) => c.email)).toEqual(['bo@corp.example']);
    expect(short.changed_total).toBe(2);
  });

  it('gives a newly handed-off person nobody holds to the owner routing.yaml would pick', () => {
    const cfg = routingSchema.parse({
      rules: [
        {
          id: 'enterprise',
          if: { field: 'person.employees', gte: 800 },
          assign: { round_robin: ['x@acme.example', 'y@acme.example'] },
        },
      ],
      fallback: { user: 'z@acme.example' },
    });
    const routing = { inputs: simulatedInputs(compileRouting(cfg)), timeZone: null };
    const free = people.map((p) => ({ ...p, owner: UNASSIGNED, segment: '(unrouted)' }));
    free[2] = { ...free[2], input: { ...free[2].input, person: { ...VP, employees: 300 } } };
    const routed = previewDraft(live, draft, free, AT, { routing });
    expect(routed.changed.map((c) => [c.email, c.owner, c.segment, c.routed])).toEqual([
      ['bo@corp.example', 'x@acme.example', 'enterprise', true],
      ['cy@corp.example', 'z@acme.example', 'fallback', true],
    ]);
    expect(Object.keys(routed.by_owner)).toEqual(['x@acme.example', 'z@acme.example']);
    // without routing.yaml they stay unassigned; a person someone holds keeps its owner either way
    expect(Object.keys(previewDraft(live, draft, free, AT).by_owner)).toEqual([UNASSIGNED]);
    expect(previewDraft(live, draft, people, AT, { routing }).by_owner).toEqual(r.by_owner);
  });

  it('leaves out what happened after the instant it replays at', () => {
    // bo's rejection comes after the instant; cy's contact form too, so she is not handed off yet
    const bo = people[1];
    const rejectedLater = {
      ...bo,
      input: {
        ...bo.input,
        feedback: [{ decision: 'reject' as const, reason: 'no_budget', at: '2026-11-20T09:00:00Z' }],
      },
    };
    const earlier = previewDraft(live, draft, [people[0], rejectedLater, people[2]], '2026-11-12T00:00:00Z');
    expect(earlier.changed.map((c) => c.email)).toEqual(['bo@corp.example']);
    expect(earlier.handoffs.newly).toBe(1);
    expect(earlier.already_rejected).toEqual({ people: 0, reasons: {} });
    const late = { ...people[0], actualMql: ['2026-11-02T10:00:00Z', '2026-11-20T10:00:00Z'] };
    expect(previewDraft(live, draft, [late], '2026-11-12T00:00:00Z').handoffs.actual).toBe(1);
  });

  it('reports nothing for no people', () => {
    const empty = previewDraft(live, draft, [], AT);
    expect(empty).toMatchObject({ people: 0, changed: [], changed_total: 0, mql_per_week: [], by_owner: {} });
  });
});
