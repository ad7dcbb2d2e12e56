/* global document, window, fetch, location, URLSearchParams, Chart, HTMLElement, setInterval */
// The dashboard page. Every number it shows comes from /api/funnel, /api/attribution and
// /api/dashboard for the same range, and carries its raw value in data-value for checking.

const STAGES = ['mql', 'sal', 'sql', 'opportunity', 'won'];
const SIDE_STAGES = ['lost', 'recycled', 'disqualified'];
const STAGE_LABEL = { lead: 'Lead', mql: 'MQL', sal: 'SAL', sql: 'SQL', opportunity: 'Opportunity', won: 'Won', lost: 'Lost', recycled: 'Recycled', disqualified: 'Disqualified' };
const MODEL_LABEL = { first_touch: 'First touch', last_touch: 'Last touch', linear: 'Linear', u_shaped: 'U-shaped', w_shaped: 'W-shaped', full_path: 'Full path', time_decay: 'Time decay', custom: 'Custom' };
const COLORS = ['#3b5bdb', '#0ca678', '#f08c00', '#ae3ec9', '#e03131', '#1098ad', '#74b816', '#f76707', '#5f3dc4', '#868e96'];
const DAY_MS = 86_400_000;

const root = document.querySelector('[data-testid="dashboard"]');
const form = document.querySelector('[data-testid="range-form"]');
const modelSelect = document.querySelector('[data-testid="model-select"]');
const dialog = document.querySelector('[data-testid="person-view"]');
const charts = new Map();
const state = { from: '', to: '', model: null, currency: null };

const fmtInt = new Intl.NumberFormat('en-US');
const fmtPct = new Intl.NumberFormat('en-US', { style: 'percent', maximumFractionDigits: 1 });
const fmtDate = new Intl.DateTimeFormat('en-US', { dateStyle: 'medium', timeZone: 'UTC' });
const fmtTime = new Intl.DateTimeFormat('en-US', { dateStyle: 'medium', timeStyle: 'short', timeZone: 'UTC' });

/** Builds an element: h('td', { class: 'x', dataset: {...} }, child, 'text'). */
function h(tag, attrs = {}, ...children) {
  const el = document.createElement(tag);
  for (const [k, v] of Object.entries(attrs)) {
    if (v === undefined || v === null || v === false) continue;
    if (k === 'dataset') Object.assign(el.dataset, v);
    else if (k === 'testid') el.dataset.testid = v;
    else if (k.startsWith('on')) el.addEventListener(k.slice(2), v);
    else el.setAttribute(k, v === true ? '' : String(v));
  }
  for (const c of children.flat()) if (c !== null && c !== undefined && c !== false) el.append(c instanceof HTMLElement ? c : String(c));
  return el;
}

function slot(name) {
  return document.querySelector(`[data-slot="${name}"]`);
}

/** Sets `el`'s children; absent ones (null, false) are left out, where replaceChildren would write "null". */
function fill(el, ...children) {
  el.replaceChildren(...children.flat().filter((c) => c !== null && c !== undefined && c !== false));
}

/** A number with its raw value in data-value (null shows as an em dash). */
function num(testid, value, format = (v) => fmtInt.format(v)) {
  return h('span', { class: 'num', testid, dataset: { value: value === null || value === undefined ? '' : String(value) } }, value === null || value === undefined ? '—' : format(value));
}

function tile(label, testid, value, format, note) {
  return h('div', { class: 'tile' }, h('div', { class: 'tile-label' }, label), h('div', { class: 'tile-value' }, num(testid, value, format)), note ? h('div', { class: 'tile-note' }, note) : null);
}

const pct = (v) => fmtPct.format(v);
// in the deals' currency (BATON_CURRENCY), which /api/dashboard names
const moneyFormats = new Map();
const money = (v) => {
  const currency = state.currency || 'USD';
  if (!moneyFormats.has(currency)) moneyFormats.set(currency, new Intl.NumberFormat('en-US', { style: 'currency', currency, minimumFractionDigits: 2, maximumFractionDigits: 2 }));
  return moneyFormats.get(currency).format(v);
};
// under a minute in seconds, so a fast answer does not read as "0 min"
const hours = (v) => (v * 60 < 1 ? `${Math.round(v * 3600)} s` : v < 1 ? `${Math.round(v * 60)} min` : `${Math.round(v * 10) / 10} h`);
function duration(ms) {
  if (ms < 1000) return `${ms} ms`;
  if (ms < 60_000) return `${Math.round(ms / 100) / 10} s`;
  if (ms < 3_600_000) return `${Math.round(ms / 60_000)} min`;
  return `${Math.round(ms / 360_000) / 10} h`;
}
const dateOnly = (iso) => (iso ? fmtDate.format(new Date(iso)) : '—');
const dateTime = (iso) => (iso ? `${fmtTime.format(new Date(iso))} UTC` : '—');

function isoDay(ms) {
  return new Date(ms).toISOString().slice(0, 10);
}

function setRange(days) {
  const today = Date.now();
  form.elements.to.value = isoDay(today);
  form.elements.from.value = isoDay(today - (days - 1) * DAY_MS);
}

/** The range the inputs name, as the instants sent to the API (whole UTC days). */
function rangeQuery() {
  const from = `${form.elements.from.value}T00:00:00.000Z`;
  const to = `${form.elements.to.value}T23:59:59.999Z`;
  return { from, to };
}

async function getJson(path) {
  const res = await fetch(path, { credentials: 'same-origin', headers: { accept: 'application/json' } });
  if (res.status === 401) {
    location.reload();
    throw new Error('signed out');
  }
  const body = await res.json().catch(() => null);
  if (!res.ok) throw new Error(body?.message ?? `${path.split('?')[0]} answered ${res.status}`);
  return body;
}

function showStatus(message) {
  const el = document.querySelector('[data-testid="status"]');
  el.hidden = !message;
  el.textContent = message ?? '';
}

// ---------- charts

function drawChart(name, config) {
  const canvas = document.querySelector(`[data-chart="${name}"]`);
  charts.get(name)?.destroy();
  charts.delete(name);
  canvas.parentElement.hidden = !config;
  if (!config || typeof Chart === 'undefined') return;
  const options = config.options ?? {};
  config.options = { animation: false, responsive: true, maintainAspectRatio: false, ...options, plugins: { legend: { display: false }, ...(options.plugins ?? {}) } };
  charts.set(name, new Chart(canvas, config));
}

function barConfig(labels, values, { horizontal = false, color = COLORS[0], format } = {}) {
  return {
    type: 'bar',
    data: { labels, datasets: [{ data: values, backgroundColor: horizontal ? labels.map((_, i) => COLORS[i % COLORS.length]) : color, borderRadius: 4, maxBarThickness: 48 }] },
    options: {
      indexAxis: horizontal ? 'y' : 'x',
      scales: {
        x: { beginAtZero: true, grid: { display: horizontal }, ticks: horizontal && !format ? { precision: 0 } : {} },
        y: { beginAtZero: true, grid: { display: !horizontal }, ticks: !horizontal ? { precision: 0 } : {} },
      },
      plugins: { tooltip: format ? { callbacks: { label: (ctx) => format(ctx.parsed[horizontal ? 'x' : 'y']) } } : {} },
    },
  };
}

// ---------- panels

function renderAgreement(a) {
  document.querySelector('[data-testid="agreement-title"]').textContent = a.name;
  const owner = (side, o) =>
    h('div', { class: 'owner', testid: `owner-${side}` },
      h('div', { class: 'owner-side' }, side === 'marketing' ? 'Marketing' : 'Sales'),
      h('div', { class: 'owner-name' }, o.name),
      h('div', { class: 'muted small' }, o.email),
      o.approved
        ? h('div', { class: 'badge ok', testid: `owner-${side}-approved` }, `Approved ${dateOnly(o.approved)}`)
        : h('div', { class: 'badge warn', testid: `owner-${side}-approved` }, 'Not approved'));
  const draft = a.draft
    ? h('div', { class: 'callout warn', testid: 'agreement-draft' },
        h('strong', {}, `Version ${a.draft.version} is a draft. `),
        `Waiting for approval by ${a.draft.missing.join(' and ')}; Baton keeps applying version ${a.version} until both sides approve.`)
    : null;
  const restart = a.restart && a.restart.length
    ? h('div', { class: 'callout warn', testid: 'fields-restart' },
        h('strong', {}, 'fields.yaml changed. '),
        `Restart baton serve to apply: ${a.restart.join('; ')}. Until then the running mapping stays.`)
    : null;
  fill(slot('agreement'),
    h('div', { class: 'agreement-name', testid: 'agreement-name' }, a.name),
    h('div', { class: 'agreement-meta' },
      h('span', { class: 'badge' }, 'Live version ', num('agreement-version', a.version, (v) => `v${v}`)),
      h('span', { class: 'muted small', testid: 'agreement-live-at' }, a.liveAt ? `live since ${dateTime(a.liveAt)}` : 'not live yet')),
    h('div', { class: 'owners' }, owner('marketing', a.owners.marketing), owner('sales', a.owners.sales)),
    draft,
    restart);
}

function renderFunnel(f) {
  const entered = f.entered ?? {};
  const conv = f.conversion ?? {};
  const tiles = [
    ...STAGES.map((s) => tile(STAGE_LABEL[s], `funnel-entered-${s}`, entered[s] ?? 0)),
    tile('MQL → SAL', 'funnel-conv-mql_to_sal', conv.mql_to_sal ?? null, pct),
    tile('SAL → SQL', 'funnel-conv-sal_to_sql', conv.sal_to_sql ?? null, pct),
    tile('SQL → Won', 'funnel-conv-sql_to_won', conv.sql_to_won ?? null, pct),
  ];
  const side = h('div', { class: 'side-stages' }, ...SIDE_STAGES.map((s) => h('span', { class: 'pill' }, `${STAGE_LABEL[s]} `, num(`funnel-entered-${s}`, entered[s] ?? 0))));
  fill(slot('funnel-tiles'), ...tiles, side);
  const any = [...STAGES, ...SIDE_STAGES].some((s) => (entered[s] ?? 0) > 0);
  slot('funnel-empty').hidden = any;
  drawChart('funnel', any ? barConfig(STAGES.map((s) => STAGE_LABEL[s]), STAGES.map((s) => entered[s] ?? 0)) : null);
}

function renderMarketing(m) {
  fill(slot('marketing-tiles'),
    tile('MQLs delivered', 'mk-mqls', m.mqls_delivered),
    tile('Accepted by sales', 'mk-acceptance', m.acceptance_rate, pct, `${fmtInt.format(m.accepted)} accepted · ${fmtInt.format(m.rejected)} rejected`),
    tile('Recycled, qualified again', 'mk-requalified', m.requalified));
  const reasons = Object.entries(m.reject_reasons);
  slot('reasons-empty').hidden = reasons.length > 0;
  drawChart('reasons', reasons.length ? barConfig(reasons.map(([r]) => r.replaceAll('_', ' ')), reasons.map(([, n]) => n), { horizontal: true }) : null);
  const list = h('ul', { class: 'sr-only', testid: 'reject-reasons' }, ...reasons.map(([r, n]) => h('li', {}, `${r}: `, num(`reason-${r}`, n))));
  document.querySelector('[data-testid="reject-reasons"]')?.remove();
  slot('reasons-empty').after(list);
}

function renderSales(s) {
  fill(slot('sales-tiles'),
    tile('Answered in time', 'sla-in-time', s.sla.answered_in_time),
    tile('Breached', 'sla-breached', s.sla.breached),
    tile('Waiting for an answer', 'sla-open', s.sla.open));
  const t = s.time_to_answer;
  const row = (label, key, d, note) =>
    h('tr', {}, h('th', {}, label, note ? h('div', { class: 'muted small' }, note) : null),
      h('td', {}, num(`tta-${key}-median`, d.median_hours, hours)),
      h('td', {}, num(`tta-${key}-p90`, d.p90_hours, hours)),
      h('td', {}, num(`tta-${key}-count`, d.count)));
  fill(slot('time-to-answer'),
    row('Total', 'total', t.total, 'change → answer'),
    row("Baton's delay", 'baton', t.baton, 'change → Task created'),
    row("Rep's answer", 'rep', t.rep, 'Task → answer'));
  const owners = Object.entries(s.breaches_by_owner);
  fill(slot('breaches'),
    owners.length
      ? h('ul', { class: 'bars', testid: 'breaches-by-owner' }, ...owners.map(([o, n]) => {
          const max = owners[0][1];
          return h('li', {}, h('span', { class: 'bar-label' }, o), h('span', { class: 'bar' }, h('span', { class: 'bar-fill', dataset: { w: String(Math.round((n / max) * 100)) } })), num(`breach-${o}`, n));
        }))
      : h('p', { class: 'empty' }, 'No SLA breaches in this range. Owners who miss the deadline are listed here.'));
  // Widths set through the CSSOM: the page's CSP forbids inline style attributes.
  for (const el of slot('breaches').querySelectorAll('.bar-fill')) el.style.width = `${el.dataset.w}%`;
}

function renderAttribution(a) {
  state.model = a.model;
  modelSelect.value = a.model;
  fill(slot('attribution-tiles'),
    tile('Won revenue', 'attr-revenue', a.revenue, money),
    tile('Won deals', 'attr-deals', a.deals),
    tile('Unattributed', 'attr-unattributed', a.unattributed, money, 'won deals without touches'),
    h('div', { class: 'tile' }, h('div', { class: 'tile-label' }, 'Model'), h('div', { class: 'tile-value small-value', testid: 'attr-model', dataset: { value: a.model } }, MODEL_LABEL[a.model] ?? a.model)));
  const campaigns = Object.entries(a.by_campaign ?? {}).sort((x, y) => y[1] - x[1]);
  const channels = Object.entries(a.by_channel ?? {}).sort((x, y) => y[1] - x[1]);
  slot('attribution-empty').hidden = a.deals > 0;
  drawChart('campaign', campaigns.length ? barConfig(campaigns.map(([k]) => k), campaigns.map(([, v]) => v), { horizontal: true, format: money }) : null);
  drawChart('channel', channels.length ? { type: 'doughnut', data: { labels: channels.map(([k]) => k), datasets: [{ data: channels.map(([, v]) => v), backgroundColor: channels.map((_, i) => COLORS[i % COLORS.length]) }] }, options: { plugins: { legend: { display: true, position: 'right' }, tooltip: { callbacks: { label: (ctx) => `${ctx.label}: ${money(ctx.parsed)}` } } } } } : null);
  const table = (testid, rows) => h('ul', { class: 'sr-only', testid }, ...rows.map(([k, v]) => h('li', {}, `${k}: `, num(`${testid}-${k}`, v, money))));
  for (const id of ['attr-by-campaign', 'attr-by-channel']) document.querySelector(`[data-testid="${id}"]`)?.remove();
  slot('attribution-empty').after(table('attr-by-campaign', campaigns), table('attr-by-channel', channels));
}

function renderHealth(hl) {
  const row = (label, value, note) => h('div', { class: 'health-row' }, h('span', {}, label), value, note ?? null);
  const onOff = (name, on) => h('span', { class: `badge ${on ? 'ok' : 'off'}`, testid: `connector-${name}`, dataset: { value: on ? 'on' : 'off' } }, `${name === 'hubspot' ? 'HubSpot' : 'Salesforce'} ${on ? 'on' : 'off'}`);
  fill(slot('health'),
    row('Inbox lag', num('health-inbox-lag', hl.inboxLagMs, duration)),
    row('Inbox pending', num('health-inbox-pending', hl.inboxPending)),
    row('Write-backs pending', num('health-outbox-pending', hl.outboxPending)),
    row('Dead letters', num('health-dead-letters', hl.deadLetters)),
    h('p', { class: `note ${hl.deadLetters > 0 ? 'warn' : ''}`, testid: 'dlq-note' },
      hl.deadLetters > 0 ? 'Some write-backs or incoming changes failed for good. ' : 'Write-backs and incoming changes that fail for good land here. ',
      'List them with ', h('code', {}, 'baton dlq list'), ', replay with ', h('code', {}, 'baton dlq retry ID|--all'), ' or drop with ', h('code', {}, 'baton dlq drop ID'), '.'),
    h('div', { class: 'connectors' }, onOff('hubspot', hl.connectors.hubspot), onOff('salesforce', hl.connectors.salesforce)),
    ...(hl.problems ?? []).map((p, i) =>
      h('div', { class: 'note warn setup-problem', testid: `setup-problem-${i}`, dataset: { crm: p.crm, object: p.object, fields: (p.fields ?? []).join(',') } },
        h('strong', {}, p.message), '. ', h('span', { testid: `setup-problem-${i}-fix` }, `Fix: ${p.fix}.`), ' ',
        h('span', { class: 'muted' }, `${p.held} write${p.held === 1 ? '' : 's'} held, nothing lost; re-checked every minute.`))));
}

function renderRecent(rows) {
  if (!rows.length) {
    fill(slot('recent'), h('p', { class: 'empty', testid: 'recent-empty' }, 'No handoffs in this range. Each stage change Baton makes — with its cause and the rule that fired — appears here.'));
    return;
  }
  fill(slot('recent'),
    h('table', { class: 'table', testid: 'recent-table' },
      h('thead', {}, h('tr', {}, h('th', {}, 'When'), h('th', {}, 'Person'), h('th', {}, 'Stage'), h('th', {}, 'Cause'), h('th', {}, 'Rule'), h('th', {}, 'Version'))),
      h('tbody', {}, ...rows.map((r) =>
        h('tr', { testid: 'handoff-row' },
          h('td', { class: 'nowrap' }, dateTime(r.at)),
          h('td', {}, r.person.email
            ? h('button', { type: 'button', class: 'link', testid: 'handoff-open', dataset: { key: r.person.email }, onclick: () => openPerson(r.person.email) }, r.person.email)
            : h('span', { class: 'muted' }, `person ${r.person.id}`)),
          h('td', {}, r.from && !r.breached ? h('span', { class: 'muted' }, `${STAGE_LABEL[r.from] ?? r.from} → `) : null, h('span', { class: `stage stage-${r.stage}` }, STAGE_LABEL[r.stage] ?? r.stage), r.breached ? h('span', { class: 'badge warn' }, 'SLA breached') : null),
          h('td', {}, r.cause, r.reason ? h('span', { class: 'muted' }, ` · ${r.reason}`) : null),
          h('td', {}, r.rule ? h('code', {}, r.rule) : '—'),
          h('td', {}, `v${r.version}`))))));
}

// ---------- person view

async function openPerson(key) {
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
  fill(slot('person-body'),
    h('div', { class: 'person-summary' },
      h('span', { class: `stage stage-${p.stage}`, testid: 'person-stage', dataset: { value: p.stage } }, STAGE_LABEL[p.stage] ?? p.stage),
      ...ids.map(([crm, id]) => h('span', { class: 'pill' }, `${crm === 'hubspot' ? 'HubSpot' : 'Salesforce'} ${id}`))),
    h('div', { class: 'tiles' },
      tile('Fit', 'person-fit', p.scores?.fit ?? null, (v) => String(v)),
      tile('Engagement', 'person-engagement', p.scores?.engagement ?? null, (v) => String(v)),
      h('div', { class: 'tile', testid: 'person-sla' }, h('div', { class: 'tile-label' }, 'SLA'),
        h('div', { class: 'tile-value small-value' }, slaText(p.sla)),
        p.sla?.due ? h('div', { class: 'tile-note' }, `${p.sla.answered ? 'answered' : 'due'} ${dateTime(p.sla.answered ?? p.sla.due)}`) : null)),
    p.reject_reason ? h('p', { class: 'callout warn' }, `Rejected by sales: ${p.reject_reason.replaceAll('_', ' ')}`) : null,
    h('h3', {}, 'Why these scores'),
    (p.explanation ?? []).length
      ? h('ul', { class: 'explanation', testid: 'person-explanation' }, ...p.explanation.map((line) => h('li', {}, line)))
      : h('p', { class: 'empty' }, 'No rule has added to the scores yet.'),
    fields.length ? h('h3', {}, 'Fields') : null,
    fields.length ? h('dl', { class: 'fields' }, ...fields.flatMap(([k, v]) => [h('dt', {}, k), h('dd', {}, v === null ? '—' : typeof v === 'object' ? JSON.stringify(v) : String(v))])) : null,
    h('h3', {}, 'History'),
    (p.transitions ?? []).length
      ? h('table', { class: 'table compact', testid: 'person-history' },
          h('thead', {}, h('tr', {}, h('th', {}, 'When'), h('th', {}, 'Stage'), h('th', {}, 'Cause'), h('th', {}, 'Version'))),
          h('tbody', {}, ...p.transitions.map((t) => h('tr', {},
            h('td', { class: 'nowrap' }, dateTime(t.at)),
            h('td', {}, t.from ? `${STAGE_LABEL[t.from] ?? t.from} → ` : '', STAGE_LABEL[t.to] ?? t.to, t.breached ? ' (SLA breached)' : '', t.passed?.length ? h('span', { class: 'muted' }, ` via ${t.passed.join(', ')}`) : null),
            h('td', {}, t.cause, t.reason ? ` · ${t.reason}` : ''),
            h('td', {}, t.version !== undefined ? `v${t.version}` : '—')))))
      : h('p', { class: 'empty' }, 'No stage changes yet.'));
}

// ---------- loading

function fetchAttribution() {
  const { from, to } = rangeQuery();
  const model = modelSelect.value || state.model;
  const q = new URLSearchParams({ from, to });
  if (state.model) q.set('model', model);
  return getJson(`/api/attribution?${q}`);
}

async function loadAttribution() {
  const a = await fetchAttribution();
  renderAttribution(a);
  return a.model;
}

async function loadAll() {
  const { from, to } = rangeQuery();
  root.setAttribute('aria-busy', 'true');
  showStatus(null);
  try {
    const q = new URLSearchParams({ from, to });
    const [funnel, dash, attribution] = await Promise.all([getJson(`/api/funnel?${q}`), getJson(`/api/dashboard?${q}`), fetchAttribution()]);
    state.currency = dash.currency;
    renderAttribution(attribution);
    const model = attribution.model;
    renderAgreement(dash.agreement);
    renderFunnel(funnel);
    renderMarketing(dash.marketing);
    renderSales(dash.sales);
    renderHealth(dash.health);
    renderRecent(dash.recent);
    markLoaded(from, to, model);
  } catch (err) {
    showStatus(`Could not load the dashboard: ${err.message}`);
  } finally {
    root.removeAttribute('aria-busy');
  }
}

/** Tells a reader (and the tests) which range and model the numbers on screen belong to. */
function markLoaded(from, to, model) {
  Object.assign(root.dataset, { from, to, model, loaded: `${from}|${to}|${model}` });
}

form.addEventListener('submit', (e) => {
  e.preventDefault();
  if (form.elements.from.value > form.elements.to.value) return showStatus('The range starts after it ends.');
  loadAll();
});
for (const b of form.querySelectorAll('[data-days]')) b.addEventListener('click', () => { setRange(Number(b.dataset.days)); loadAll(); });
modelSelect.addEventListener('change', async () => {
  state.model = modelSelect.value;
  try {
    const model = await loadAttribution();
    markLoaded(rangeQuery().from, rangeQuery().to, model);
  } catch (err) {
    showStatus(`Could not load attribution: ${err.message}`);
  }
});
dialog.querySelector('[data-testid="person-close"]').addEventListener('click', () => dialog.close());
dialog.addEventListener('click', (e) => { if (e.target === dialog) dialog.close(); });

setRange(30);
window.addEventListener('load', loadAll);

// Live: the figures follow what Baton does while the page is open (the demo's activity shows as
// it happens); a hidden tab, an open person view or a load in flight skips a round.
const REFRESH_MS = 15_000;
setInterval(() => {
  if (document.hidden || dialog.open || root.hasAttribute('aria-busy')) return;
  loadAll();
}, REFRESH_MS);
