/* global document */
// The handoff panels: the agreement in force, the funnel, marketing's side and sales' side.
import {
  STAGES,
  SIDE_STAGES,
  STAGE_LABEL,
  h,
  slot,
  fill,
  num,
  tile,
  pct,
  hours,
  dateOnly,
  dateTime,
  fmtInt,
  drawChart,
  barConfig,
} from './dom.js';

export function renderAgreement(a) {
  document.querySelector('[data-testid="agreement-title"]').textContent = a.name;
  const owner = (side, o) =>
    h(
      'div',
      { class: 'owner', testid: `owner-${side}` },
      h('div', { class: 'owner-side' }, side === 'marketing' ? 'Marketing' : 'Sales'),
      h('div', { class: 'owner-name' }, o.name),
      h('div', { class: 'muted small' }, o.email),
      o.approved
        ? h('div', { class: 'badge ok', testid: `owner-${side}-approved` }, `Approved ${dateOnly(o.approved)}`)
        : h('div', { class: 'badge warn', testid: `owner-${side}-approved` }, 'Not approved'),
    );
  const draft = a.draft
    ? h(
        'div',
        { class: 'callout warn', testid: 'agreement-draft' },
        h('strong', {}, `Version ${a.draft.version} is a draft. `),
        `Waiting for approval by ${a.draft.missing.join(' and ')}; Baton keeps applying version ${a.version} until both sides approve.`,
      )
    : null;
  const restart =
    a.restart && a.restart.length
      ? h(
          'div',
          { class: 'callout warn', testid: 'fields-restart' },
          h('strong', {}, 'fields.yaml changed. '),
          `Restart baton serve to apply: ${a.restart.join('; ')}. Until then the running mapping stays.`,
        )
      : null;
  fill(
    slot('agreement'),
    h('div', { class: 'agreement-name', testid: 'agreement-name' }, a.name),
    h(
      'div',
      { class: 'agreement-meta' },
      h(
        'span',
        { class: 'badge' },
        'Live version ',
        num('agreement-version', a.version, (v) => `v${v}`),
      ),
      h(
        'span',
        { class: 'muted small', testid: 'agreement-live-at' },
        a.liveAt ? `live since ${dateTime(a.liveAt)}` : 'not live yet',
      ),
    ),
    h('div', { class: 'owners' }, owner('marketing', a.owners.marketing), owner('sales', a.owners.sales)),
    draft,
    restart,
  );
}

export function renderFunnel(f) {
  const entered = f.entered ?? {};
  const conv = f.conversion ?? {};
  const tiles = [
    ...STAGES.map((s) => tile(STAGE_LABEL[s], `funnel-entered-${s}`, entered[s] ?? 0)),
    tile('MQL → SAL', 'funnel-conv-mql_to_sal', conv.mql_to_sal ?? null, pct),
    tile('SAL → SQL', 'funnel-conv-sal_to_sql', conv.sal_to_sql ?? null, pct),
    tile('SQL → Won', 'funnel-conv-sql_to_won', conv.sql_to_won ?? null, pct),
  ];
  const side = h(
    'div',
    { class: 'side-stages' },
    ...SIDE_STAGES.map((s) =>
      h('span', { class: 'pill' }, `${STAGE_LABEL[s]} `, num(`funnel-entered-${s}`, entered[s] ?? 0)),
    ),
  );
  fill(slot('funnel-tiles'), ...tiles, side);
  const any = [...STAGES, ...SIDE_STAGES].some((s) => (entered[s] ?? 0) > 0);
  slot('funnel-empty').hidden = any;
  drawChart(
    'funnel',
    any
      ? barConfig(
          STAGES.map((s) => STAGE_LABEL[s]),
          STAGES.map((s) => entered[s] ?? 0),
        )
      : null,
  );
}

export function renderMarketing(m) {
  fill(
    slot('marketing-tiles'),
    tile('MQLs delivered', 'mk-mqls', m.mqls_delivered),
    tile(
      'Accepted by sales',
      'mk-acceptance',
      m.acceptance_rate,
      pct,
      `${fmtInt.format(m.accepted)} accepted · ${fmtInt.format(m.rejected)} rejected`,
    ),
    tile('Recycled, qualified again', 'mk-requalified', m.requalified),
  );
  const reasons = Object.entries(m.reject_reasons);
  slot('reasons-empty').hidden = reasons.length > 0;
  drawChart(
    'reasons',
    reasons.length
      ? barConfig(
          reasons.map(([r]) => r.replaceAll('_', ' ')),
          reasons.map(([, n]) => n),
          { horizontal: true },
        )
      : null,
  );
  const list = h(
    'ul',
    { class: 'sr-only', testid: 'reject-reasons' },
    ...reasons.map(([r, n]) => h('li', {}, `${r}: `, num(`reason-${r}`, n))),
  );
  document.querySelector('[data-testid="reject-reasons"]')?.remove();
  slot('reasons-empty').after(list);
}

export function renderSales(s) {
  fill(
    slot('sales-tiles'),
    tile('Answered in time', 'sla-in-time', s.sla.answered_in_time),
    tile('Breached', 'sla-breached', s.sla.breached),
    tile('Waiting for an answer', 'sla-open', s.sla.open),
  );
  const t = s.time_to_answer;
  const row = (label, key, d, note) =>
    h(
      'tr',
      {},
      h('th', {}, label, note ? h('div', { class: 'muted small' }, note) : null),
      h('td', {}, num(`tta-${key}-median`, d.median_hours, hours)),
      h('td', {}, num(`tta-${key}-p90`, d.p90_hours, hours)),
      h('td', {}, num(`tta-${key}-count`, d.count)),
    );
  fill(
    slot('time-to-answer'),
    row('Total', 'total', t.total, 'change → answer'),
    row("Baton's delay", 'baton', t.baton, 'change → Task created'),
    row("Rep's answer", 'rep', t.rep, 'Task → answer'),
  );
  const owners = Object.entries(s.breaches_by_owner);
  fill(
    slot('breaches'),
    owners.length
      ? h(
          'ul',
          { class: 'bars', testid: 'breaches-by-owner' },
          ...owners.map(([o, n]) => {
            const max = owners[0][1];
            return h(
              'li',
              {},
              h('span', { class: 'bar-label' }, o),
              h(
                'span',
                { class: 'bar' },
                h('span', { class: 'bar-fill', dataset: { w: String(Math.round((n / max) * 100)) } }),
              ),
              num(`breach-${o}`, n),
            );
          }),
        )
      : h('p', { class: 'empty' }, 'No SLA breaches in this range. Owners who miss the deadline are listed here.'),
  );
  // Widths set through the CSSOM: the page's CSP forbids inline style attributes.
  for (const el of slot('breaches').querySelectorAll('.bar-fill')) el.style.width = `${el.dataset.w}%`;
}
