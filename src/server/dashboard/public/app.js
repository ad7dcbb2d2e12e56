/* global document, window, URLSearchParams, setInterval */
// The dashboard page. Every number it shows comes from /api/funnel, /api/attribution,
// /api/outcomes and /api/dashboard for the same range, and carries its raw value in data-value for checking.
// This file loads the range and wires the controls; the panels render in panels.js,
// panels-loop.js and person.js, over what dom.js shares.
import { DAY_MS, state, getJson, showStatus } from './dom.js';
import { renderAgreement, renderFunnel, renderMarketing, renderSales } from './panels.js';
import { renderHealth, renderRecent } from './panels-loop.js';
import { renderAttribution } from './panels-attribution.js';
import { renderOutcomes } from './panels-outcomes.js';
import { renderVersions, withRecordedApprovals } from './panels-versions.js';
import { watchRescore } from './panels-rescore.js';
import { previewDraft } from './panels-preview.js';

const root = document.querySelector('[data-testid="dashboard"]');
const form = document.querySelector('[data-testid="range-form"]');
const modelSelect = document.querySelector('[data-testid="model-select"]');
const reportSelect = document.querySelector('[data-testid="report-select"]');
const dialog = document.querySelector('[data-testid="person-view"]');

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

function fetchAttribution() {
  const { from, to } = rangeQuery();
  const model = modelSelect.value || state.model;
  const q = new URLSearchParams({ from, to });
  if (state.model) q.set('model', model);
  q.set('report', reportSelect.value || 'revenue');
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
    const [funnel, dash, attribution, outcomes, versions, draft] = await Promise.all([
      getJson(`/api/funnel?${q}`),
      getJson(`/api/dashboard?${q}`),
      fetchAttribution(),
      getJson(`/api/outcomes?${q}`),
      getJson('/api/agreement/versions'),
      getJson('/api/agreement/draft'),
    ]);
    state.currency = dash.currency;
    renderAttribution(attribution);
    const model = attribution.model;
    renderAgreement(withRecordedApprovals(dash.agreement, versions.versions));
    renderVersions(versions.versions, draft, afterApproval);
    previewDraft(dash.agreement);
    renderFunnel(funnel);
    renderMarketing(dash.marketing);
    renderSales(dash.sales);
    renderHealth(dash.health);
    renderRecent(dash.recent);
    renderOutcomes(outcomes);
    markLoaded(from, to, model);
  } catch (err) {
    showStatus(`Could not load the dashboard: ${err.message}`);
  } finally {
    root.removeAttribute('aria-busy');
  }
}

/** After an approval: the whole page again (a version that went live changes every panel), and the refusal if any. */
async function afterApproval(error) {
  await loadAll();
  if (error) showStatus(`Could not approve: ${error}`);
}

/** Tells a reader (and the tests) which range, model and report the numbers on screen belong to. */
function markLoaded(from, to, model) {
  const report = state.report ?? 'revenue';
  Object.assign(root.dataset, { from, to, model, report, loaded: `${from}|${to}|${model}` });
}

form.addEventListener('submit', (e) => {
  e.preventDefault();
  if (form.elements.from.value > form.elements.to.value) return showStatus('The range starts after it ends.');
  loadAll();
});
for (const b of form.querySelectorAll('[data-days]'))
  b.addEventListener('click', () => {
    setRange(Number(b.dataset.days));
    loadAll();
  });
async function reloadAttribution() {
  try {
    const model = await loadAttribution();
    markLoaded(rangeQuery().from, rangeQuery().to, model);
  } catch (err) {
    showStatus(`Could not load attribution: ${err.message}`);
  }
}
modelSelect.addEventListener('change', () => {
  state.model = modelSelect.value;
  reloadAttribution();
});
reportSelect.addEventListener('change', () => {
  state.report = reportSelect.value;
  reloadAttribution();
});
dialog.querySelector('[data-testid="person-close"]').addEventListener('click', () => dialog.close());
dialog.addEventListener('click', (e) => {
  if (e.target === dialog) dialog.close();
});

setRange(30);
window.addEventListener('load', loadAll);
window.addEventListener('load', watchRescore);

// Live: the figures follow what Baton does while the page is open (the demo's activity shows as
// it happens); a hidden tab, an open person view or a load in flight skips a round.
const REFRESH_MS = 15_000;
setInterval(() => {
  if (document.hidden || dialog.open || root.hasAttribute('aria-busy')) return;
  loadAll();
}, REFRESH_MS);
