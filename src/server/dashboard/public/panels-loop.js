// The panels after the handoff: Baton's health and the recent handoffs (the closed loop is panels-attribution.js).
import { STAGE_LABEL, h, slot, fill, num, duration, dateTime } from './dom.js';
import { openPerson } from './person.js';

export function renderHealth(hl) {
  const row = (label, value, note) => h('div', { class: 'health-row' }, h('span', {}, label), value, note ?? null);
  const onOff = (name, on) =>
    h(
      'span',
      { class: `badge ${on ? 'ok' : 'off'}`, testid: `connector-${name}`, dataset: { value: on ? 'on' : 'off' } },
      `${name === 'hubspot' ? 'HubSpot' : 'Salesforce'} ${on ? 'on' : 'off'}`,
    );
  fill(
    slot('health'),
    row('Inbox lag', num('health-inbox-lag', hl.inboxLagMs, duration)),
    row('Inbox pending', num('health-inbox-pending', hl.inboxPending)),
    row('Write-backs pending', num('health-outbox-pending', hl.outboxPending)),
    row('Dead letters', num('health-dead-letters', hl.deadLetters)),
    h(
      'p',
      { class: `note ${hl.deadLetters > 0 ? 'warn' : ''}`, testid: 'dlq-note' },
      hl.deadLetters > 0
        ? 'Some write-backs or incoming changes failed for good. '
        : 'Write-backs and incoming changes that fail for good land here. ',
      'List them with ',
      h('code', {}, 'baton dlq list'),
      ', replay with ',
      h('code', {}, 'baton dlq retry ID|--all'),
      ' or drop with ',
      h('code', {}, 'baton dlq drop ID'),
      '.',
    ),
    h(
      'div',
      { class: 'connectors' },
      onOff('hubspot', hl.connectors.hubspot),
      onOff('salesforce', hl.connectors.salesforce),
    ),
    ...(hl.problems ?? []).map((p, i) =>
      h(
        'div',
        {
          class: 'note warn setup-problem',
          testid: `setup-problem-${i}`,
          dataset: { crm: p.crm, object: p.object, fields: (p.fields ?? []).join(',') },
        },
        h('strong', {}, p.message),
        '. ',
        h('span', { testid: `setup-problem-${i}-fix` }, `Fix: ${p.fix}.`),
        ' ',
        h(
          'span',
          { class: 'muted' },
          `${p.held} write${p.held === 1 ? '' : 's'} held, nothing lost; re-checked every minute.`,
        ),
      ),
    ),
  );
}

export function renderRecent(rows) {
  if (!rows.length) {
    fill(
      slot('recent'),
      h(
        'p',
        { class: 'empty', testid: 'recent-empty' },
        'No handoffs in this range. Each stage change Baton makes — with its cause and the rule that fired — appears here.',
      ),
    );
    return;
  }
  fill(
    slot('recent'),
    h(
      'table',
      { class: 'table', testid: 'recent-table' },
      h(
        'thead',
        {},
        h(
          'tr',
          {},
          h('th', {}, 'When'),
          h('th', {}, 'Person'),
          h('th', {}, 'Stage'),
          h('th', {}, 'Cause'),
          h('th', {}, 'Rule'),
          h('th', {}, 'Version'),
        ),
      ),
      h(
        'tbody',
        {},
        ...rows.map((r) =>
          h(
            'tr',
            { testid: 'handoff-row' },
            h('td', { class: 'nowrap' }, dateTime(r.at)),
            h(
              'td',
              {},
              r.person.email
                ? h(
                    'button',
                    {
                      type: 'button',
                      class: 'link',
                      testid: 'handoff-open',
                      dataset: { key: r.person.email },
                      onclick: () => openPerson(r.person.email),
                    },
                    r.person.email,
                  )
                : h('span', { class: 'muted' }, `person ${r.person.id}`),
            ),
            h(
              'td',
              {},
              r.from && !r.breached ? h('span', { class: 'muted' }, `${STAGE_LABEL[r.from] ?? r.from} → `) : null,
              h('span', { class: `stage stage-${r.stage}` }, STAGE_LABEL[r.stage] ?? r.stage),
              r.breached ? h('span', { class: 'badge warn' }, 'SLA breached') : null,
            ),
            h('td', {}, r.cause, r.reason ? h('span', { class: 'muted' }, ` · ${r.reason}`) : null),
            h('td', {}, r.rule ? h('code', {}, r.rule) : '—'),
            h('td', {}, `v${r.version}`),
          ),
        ),
      ),
    ),
  );
}
