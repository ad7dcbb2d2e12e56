/* global document, location, fetch, Chart, HTMLElement */
// What every panel of the dashboard page shares: the stage and model names, the number formats,
// the element builder, the JSON fetch and the charts. Numbers carry their raw value in data-value.

export const STAGES = ['mql', 'sal', 'sql', 'opportunity', 'won'];
export const SIDE_STAGES = ['lost', 'recycled', 'disqualified'];
export const STAGE_LABEL = {
  lead: 'Lead',
  mql: 'MQL',
  sal: 'SAL',
  sql: 'SQL',
  opportunity: 'Opportunity',
  won: 'Won',
  lost: 'Lost',
  recycled: 'Recycled',
  disqualified: 'Disqualified',
};
export const MODEL_LABEL = {
  first_touch: 'First touch',
  last_touch: 'Last touch',
  linear: 'Linear',
  u_shaped: 'U-shaped',
  w_shaped: 'W-shaped',
  full_path: 'Full path',
  time_decay: 'Time decay',
  custom: 'Custom',
  markov: 'Markov (data-driven)',
};
export const COLORS = [
  '#3b5bdb',
  '#0ca678',
  '#f08c00',
  '#ae3ec9',
  '#e03131',
  '#1098ad',
  '#74b816',
  '#f76707',
  '#5f3dc4',
  '#868e96',
];
export const DAY_MS = 86_400_000;

/** What the page has loaded: the range's model and report, and the deals' currency (set by app.js). */
export const state = { from: '', to: '', model: null, report: 'revenue', currency: null };
const charts = new Map();

export const fmtInt = new Intl.NumberFormat('en-US');
const fmtPct = new Intl.NumberFormat('en-US', { style: 'percent', maximumFractionDigits: 1 });
const fmtDate = new Intl.DateTimeFormat('en-US', { dateStyle: 'medium', timeZone: 'UTC' });
const fmtTime = new Intl.DateTimeFormat('en-US', { dateStyle: 'medium', timeStyle: 'short', timeZone: 'UTC' });

/** Builds an element: h('td', { class: 'x', dataset: {...} }, child, 'text'). */
export function h(tag, attrs = {}, ...children) {
  const el = document.createElement(tag);
  for (const [k, v] of Object.entries(attrs)) {
    if (v === undefined || v === null || v === false) continue;
    if (k === 'dataset') Object.assign(el.dataset, v);
    else if (k === 'testid') el.dataset.testid = v;
    else if (k.startsWith('on')) el.addEventListener(k.slice(2), v);
    else el.setAttribute(k, v === true ? '' : String(v));
  }
  for (const c of children.flat())
    if (c !== null && c !== undefined && c !== false) el.append(c instanceof HTMLElement ? c : String(c));
  return el;
}

/** The element of `data-slot="name"`. */
export function slot(name) {
  return document.querySelector(`[data-slot="${name}"]`);
}

/** Sets `el`'s children; absent ones (null, false) are left out, where replaceChildren would write "null". */
export function fill(el, ...children) {
  el.replaceChildren(...children.flat().filter((c) => c !== null && c !== undefined && c !== false));
}

/** A number with its raw value in data-value (null shows as an em dash). */
export function num(testid, value, format = (v) => fmtInt.format(v)) {
  return h(
    'span',
    { class: 'num', testid, dataset: { value: value === null || value === undefined ? '' : String(value) } },
    value === null || value === undefined ? '—' : format(value),
  );
}

/** A figure with its label (and a note under it). */
export function tile(label, testid, value, format, note) {
  return h(
    'div',
    { class: 'tile' },
    h('div', { class: 'tile-label' }, label),
    h('div', { class: 'tile-value' }, num(testid, value, format)),
    note ? h('div', { class: 'tile-note' }, note) : null,
  );
}

export const pct = (v) => fmtPct.format(v);
// in the deals' currency (BATON_CURRENCY), which /api/dashboard names
export const moneyFormats = new Map();
export const money = (v) => {
  const currency = state.currency || 'USD';
  if (!moneyFormats.has(currency))
    moneyFormats.set(
      currency,
      new Intl.NumberFormat('en-US', {
        style: 'currency',
        currency,
        minimumFractionDigits: 2,
        maximumFractionDigits: 2,
      }),
    );
  return moneyFormats.get(currency).format(v);
};
// under a minute in seconds, so a fast answer does not read as "0 min"
export const hours = (v) =>
  v * 60 < 1 ? `${Math.round(v * 3600)} s` : v < 1 ? `${Math.round(v * 60)} min` : `${Math.round(v * 10) / 10} h`;
/** A lag in ms, in the unit that reads best. */
export function duration(ms) {
  if (ms < 1000) return `${ms} ms`;
  if (ms < 60_000) return `${Math.round(ms / 100) / 10} s`;
  if (ms < 3_600_000) return `${Math.round(ms / 60_000)} min`;
  return `${Math.round(ms / 360_000) / 10} h`;
}
export const dateOnly = (iso) => (iso ? fmtDate.format(new Date(iso)) : '—');
export const dateTime = (iso) => (iso ? `${fmtTime.format(new Date(iso))} UTC` : '—');

/** GETs `path` as JSON; a 401 (the session ended) reloads the page to its login form. */
export async function getJson(path) {
  const res = await fetch(path, { credentials: 'same-origin', headers: { accept: 'application/json' } });
  if (res.status === 401) {
    location.reload();
    throw new Error('signed out');
  }
  const body = await res.json().catch(() => null);
  if (!res.ok) throw new Error(body?.message ?? `${path.split('?')[0]} answered ${res.status}`);
  return body;
}

/** Shows (or, with null, hides) the status line above the panels. */
export function showStatus(message) {
  const el = document.querySelector('[data-testid="status"]');
  el.hidden = !message;
  el.textContent = message ?? '';
}

/** Draws (or, with null, hides) the chart of `data-chart="name"`, replacing the one before. */
export function drawChart(name, config) {
  const canvas = document.querySelector(`[data-chart="${name}"]`);
  charts.get(name)?.destroy();
  charts.delete(name);
  canvas.parentElement.hidden = !config;
  if (!config || typeof Chart === 'undefined') return;
  const options = config.options ?? {};
  config.options = {
    animation: false,
    responsive: true,
    maintainAspectRatio: false,
    ...options,
    plugins: { legend: { display: false }, ...(options.plugins ?? {}) },
  };
  charts.set(name, new Chart(canvas, config));
}

/** A bar chart's config: vertical, or horizontal with one colour per bar. */
export function barConfig(labels, values, { horizontal = false, color = COLORS[0], format } = {}) {
  return {
    type: 'bar',
    data: {
      labels,
      datasets: [
        {
          data: values,
          backgroundColor: horizontal ? labels.map((_, i) => COLORS[i % COLORS.length]) : color,
          borderRadius: 4,
          maxBarThickness: 48,
        },
      ],
    },
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
