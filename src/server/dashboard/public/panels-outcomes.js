// The outcomes panel: is the agreement right? Conversion and lift by score band, acceptance per
// qualification rule, missed buyers and false alarms (each opens the person), and the suggested
// thresholds. Every figure comes from /api/outcomes and carries its raw value in data-value.
import { h, slot, fill, num, tile, pct, money } from './dom.js';
import { openPerson } from './person.js';

const lift = (v) => `×${Math.round(v * 100) / 100}`;

function bandTable(score, rows) {
  return h(
    'table',
    { class: 'table compact', testid: `outcomes-${score}-bands` },
    h(
      'thead',
      {},
      h(
        'tr',
        {},
        h('th', {}, score === 'fit' ? 'Fit band' : 'Engagement band'),
        h('th', {}, 'People'),
        h('th', {}, 'MQL'),
        h('th', {}, 'Opp.'),
        h('th', {}, 'Won'),
        h('th', {}, 'Opp. rate'),
        h('th', {}, 'Lift'),
      ),
    ),
    h(
      'tbody',
      {},
      rows.map((r, i) =>
        h(
          'tr',
          {},
          h('td', {}, r.band),
          h('td', {}, num(`outcomes-${score}-${i}-people`, r.people)),
          h('td', {}, num(`outcomes-${score}-${i}-mql`, r.mql)),
          h('td', {}, num(`outcomes-${score}-${i}-opportunity`, r.opportunity)),
          h('td', {}, num(`outcomes-${score}-${i}-won`, r.won)),
          h('td', {}, num(`outcomes-${score}-${i}-opportunity_rate`, r.opportunity_rate, pct)),
          h('td', {}, num(`outcomes-${score}-${i}-lift_opportunity`, r.lift_opportunity, lift)),
        ),
      ),
    ),
  );
}

function ruleTable(rows) {
  if (!rows.length) return h('p', { class: 'empty', testid: 'outcomes-rules-empty' }, 'No one was handed over yet.');
  return h(
    'table',
    { class: 'table compact', testid: 'outcomes-rules' },
    h(
      'thead',
      {},
      h(
        'tr',
        {},
        h('th', {}, 'Qualified by'),
        h('th', {}, 'People'),
        h('th', {}, 'Acceptance'),
        h('th', {}, 'Rejected'),
        h('th', {}, 'Won revenue'),
        h('th', {}, 'Days to close'),
      ),
    ),
    h(
      'tbody',
      {},
      rows.map((r, i) =>
        h(
          'tr',
          { dataset: { rule: r.rule } },
          h('td', {}, r.rule),
          h('td', {}, num(`outcomes-rule-${i}-people`, r.people)),
          h('td', {}, num(`outcomes-rule-${i}-acceptance`, r.acceptance, pct)),
          h('td', {}, num(`outcomes-rule-${i}-rejected`, r.rejected)),
          h('td', {}, num(`outcomes-rule-${i}-won_revenue`, r.won_revenue, money)),
          h('td', {}, num(`outcomes-rule-${i}-median_days_to_close`, r.median_days_to_close)),
        ),
      ),
    ),
  );
}

function people(kind, list) {
  return h(
    'ul',
    { class: 'plain', testid: `outcomes-${kind}-list` },
    list.people.slice(0, 10).map((p) =>
      h(
        'li',
        {},
        h(
          'button',
          {
            type: 'button',
            class: 'link',
            testid: `outcomes-${kind}-open`,
            dataset: { key: p.key, href: p.href },
            onclick: () => openPerson(p.key),
          },
          p.key,
        ),
      ),
    ),
  );
}

function suggestion(s) {
  const line = (o) => `fit ≥ ${o.fit}, engagement ≥ ${o.engagement}`;
  return h(
    'div',
    { class: 'callout', testid: 'outcomes-suggestion' },
    h('strong', {}, 'Suggestion, not applied. '),
    s.same_mqls
      ? [
          `${line(s.same_mqls)} would have kept about the same MQLs (`,
          num('outcomes-suggest-mqls', s.same_mqls.mqls),
          ') at acceptance ',
          num('outcomes-suggest-acceptance', s.same_mqls.acceptance, pct),
          ` instead of ${pct(s.current.acceptance)}. Write it as a draft with baton report outcomes --suggest FILE.`,
        ]
      : 'No thresholds would have done better on this history.',
  );
}

export function renderOutcomes(o) {
  fill(
    slot('outcomes'),
    h(
      'div',
      { class: 'tiles' },
      tile('People', 'outcomes-people', o.people),
      tile('Missed buyers', 'outcomes-missed', o.missed_buyers.count, undefined, 'below the MQL line, reached a deal'),
      tile('False alarms', 'outcomes-alarms', o.false_alarms.count, undefined, 'handed over, rejected'),
      tile('Acceptance now', 'outcomes-acceptance', o.suggestion.current.acceptance, pct),
    ),
    h('p', { class: 'muted small', testid: 'outcomes-bands-definition' }, `Bands: ${o.bands.definition}.`),
    h('div', { class: 'split' }, bandTable('fit', o.conversion.fit), bandTable('engagement', o.conversion.engagement)),
    ruleTable(o.qualification_rules),
    h(
      'div',
      { class: 'split' },
      h('div', {}, h('h3', {}, 'Missed buyers'), people('missed', o.missed_buyers)),
      h('div', {}, h('h3', {}, 'False alarms'), people('alarms', o.false_alarms)),
    ),
    suggestion(o.suggestion),
  );
}
