/* global document */
// The person view: a dialog over the page with one person's stage, scores, SLA, fields and history.
import { STAGE_LABEL, h, slot, fill, tile, dateTime, getJson } from './dom.js';

const dialog = document.querySelector('[data-testid="person-view"]');

/** Opens the person view on `key` (an email) and loads it. */
export async function openPerson(key) {
  const body = slot('person-body');
  slot('person-title').textContent = key;
  fill(body, h('p', { class: 'empty' }, 'Loading…'));
  if (!dialog.open) dialog.showModal();
  try {
    renderPerson(await getJson(`/api/people/${encodeURIComponent(key)}`));
  } catch (err) {
    fill(body, h('p', { class: 'callout warn' }, `Could not load this person: ${err.message}`));
  }
}

function slaText(sla) {
  if (!sla?.due) return 'No SLA running';
  if (sla.breached) return sla.answered ? 'Answered late' : 'Breached';
  return sla.answered ? 'Answered in time' : 'Running';
}

function renderPerson(p) {
  slot('person-title').textContent = p.email;
  const fields = Object.entries(p.person ?? {});
  const ids = Object.entries(p.ids ?? {}).filter(([, v]) => v);
  fill(
    slot('person-body'),
    h(
      'div',
      { class: 'person-summary' },
      h(
        'span',
        { class: `stage stage-${p.stage}`, testid: 'person-stage', dataset: { value: p.stage } },
        STAGE_LABEL[p.stage] ?? p.stage,
      ),
      ...ids.map(([crm, id]) => h('span', { class: 'pill' }, `${crm === 'hubspot' ? 'HubSpot' : 'Salesforce'} ${id}`)),
    ),
    h(
      'div',
      { class: 'tiles' },
      tile('Fit', 'person-fit', p.scores?.fit ?? null, (v) => String(v)),
      tile('Engagement', 'person-engagement', p.scores?.engagement ?? null, (v) => String(v)),
      h(
        'div',
        { class: 'tile', testid: 'person-sla' },
        h('div', { class: 'tile-label' }, 'SLA'),
        h('div', { class: 'tile-value small-value' }, slaText(p.sla)),
        p.sla?.due
          ? h(
              'div',
              { class: 'tile-note' },
              `${p.sla.answered ? 'answered' : 'due'} ${dateTime(p.sla.answered ?? p.sla.due)}`,
            )
          : null,
      ),
    ),
    p.reject_reason
      ? h('p', { class: 'callout warn' }, `Rejected by sales: ${p.reject_reason.replaceAll('_', ' ')}`)
      : null,
    h('h3', {}, 'Why these scores'),
    (p.explanation ?? []).length
      ? h(
          'ul',
          { class: 'explanation', testid: 'person-explanation' },
          ...p.explanation.map((line) => h('li', {}, line)),
        )
      : h('p', { class: 'empty' }, 'No rule has added to the scores yet.'),
    fields.length ? h('h3', {}, 'Fields') : null,
    fields.length
      ? h(
          'dl',
          { class: 'fields' },
          ...fields.flatMap(([k, v]) => [
            h('dt', {}, k),
            h('dd', {}, v === null ? '—' : typeof v === 'object' ? JSON.stringify(v) : String(v)),
          ]),
        )
      : null,
    h('h3', {}, 'History'),
    (p.transitions ?? []).length
      ? h(
          'table',
          { class: 'table compact', testid: 'person-history' },
          h(
            'thead',
            {},
            h('tr', {}, h('th', {}, 'When'), h('th', {}, 'Stage'), h('th', {}, 'Cause'), h('th', {}, 'Version')),
          ),
          h(
            'tbody',
            {},
            ...p.transitions.map((t) =>
              h(
                'tr',
                {},
                h('td', { class: 'nowrap' }, dateTime(t.at)),
                h(
                  'td',
                  {},
                  t.from ? `${STAGE_LABEL[t.from] ?? t.from} → ` : '',
                  STAGE_LABEL[t.to] ?? t.to,
                  t.breached ? ' (SLA breached)' : '',
                  t.passed?.length ? h('span', { class: 'muted' }, ` via ${t.passed.join(', ')}`) : null,
                ),
                h('td', {}, t.cause, t.reason ? ` · ${t.reason}` : ''),
                h('td', {}, t.version !== undefined ? `v${t.version}` : '—'),
              ),
            ),
          ),
        )
      : h('p', { class: 'empty' }, 'No stage changes yet.'),
  );
}
