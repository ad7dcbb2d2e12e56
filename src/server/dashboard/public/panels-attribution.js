/* global document */
// The closed-loop panel: won revenue or created pipeline (a switch) credited to campaigns and
// channels under a model (the models the agreement defines, from /api/attribution), and ROI per campaign.
import { MODEL_LABEL, COLORS, state, h, slot, fill, num, tile, money, drawChart, barConfig } from './dom.js';

const modelSelect = document.querySelector('[data-testid="model-select"]');
const reportSelect = document.querySelector('[data-testid="report-select"]');

/** The switcher lists exactly the models the API says the agreement defines (markov too, once defined). */
function renderModels(models, current) {
  const list = models?.length ? models : [current];
  const shown = [...modelSelect.options].map((o) => o.value);
  if (shown.join('|') !== list.join('|'))
    modelSelect.replaceChildren(...list.map((m) => h('option', { value: m }, MODEL_LABEL[m] ?? m)));
  modelSelect.value = current;
}

const ratio = (v) => `${v.toFixed(2)}×`;

function roiTable(rows) {
  if (!rows.length)
    return h('p', { class: 'empty', testid: 'roi-empty' }, 'No campaign credited or with a cost in this range.');
  const cell = (name, key, value, format) => h('td', { class: 'num-cell' }, num(`roi-${key}-${name}`, value, format));
  return h(
    'table',
    { class: 'table compact', testid: 'roi-table' },
    h(
      'thead',
      {},
      h(
        'tr',
        {},
        h('th', {}, 'Campaign'),
        h('th', {}, 'Cost'),
        h('th', {}, 'Credited revenue'),
        h('th', {}, 'Credited pipeline'),
        h('th', {}, 'MQLs'),
        h('th', {}, 'Cost per MQL'),
        h('th', {}, 'Return per $'),
      ),
    ),
    h(
      'tbody',
      {},
      ...rows.map((r) =>
        h(
          'tr',
          { testid: 'roi-row', dataset: { name: r.name, costSource: r.cost_source ?? '' } },
          h('td', {}, r.name),
          cell(r.name, 'cost', r.cost, money),
          cell(r.name, 'revenue', r.revenue, money),
          cell(r.name, 'pipeline', r.pipeline, money),
          cell(r.name, 'mqls', r.mqls),
          cell(r.name, 'cost-per-mql', r.cost_per_mql, money),
          cell(r.name, 'return', r.return_per_dollar, ratio),
        ),
      ),
    ),
  );
}

const sortedEntries = (o) => Object.entries(o ?? {}).sort((x, y) => y[1] - x[1]);

/** A screen-reader list of figures, each with its raw value (the tests read them). */
function figures(testid, rows) {
  return h(
    'ul',
    { class: 'sr-only', testid },
    ...rows.map(([k, v]) => h('li', {}, `${k}: `, num(`${testid}-${k}`, v, money))),
  );
}

export function renderAttribution(a) {
  state.model = a.model;
  state.report = a.report ?? 'revenue';
  renderModels(a.models, a.model);
  reportSelect.value = state.report;
  const pipeline = state.report === 'pipeline';
  const model = h(
    'div',
    { class: 'tile' },
    h('div', { class: 'tile-label' }, 'Model'),
    h(
      'div',
      { class: 'tile-value small-value', testid: 'attr-model', dataset: { value: a.model } },
      MODEL_LABEL[a.model] ?? a.model,
    ),
  );
  fill(
    slot('attribution-tiles'),
    pipeline
      ? tile('Pipeline created', 'attr-pipeline', a.pipeline, money, 'deals created in the range, credited at creation')
      : tile('Won revenue', 'attr-revenue', a.revenue, money),
    tile(pipeline ? 'Deals created' : 'Won deals', 'attr-deals', a.deals),
    tile(
      'Unattributed',
      'attr-unattributed',
      a.unattributed,
      money,
      pipeline ? 'no touch before creation' : 'won deals without touches',
    ),
    model,
  );
  const campaigns = sortedEntries(a.by_campaign);
  const channels = sortedEntries(a.by_channel);
  const empty = slot('attribution-empty');
  empty.hidden = a.deals > 0;
  empty.textContent = pipeline
    ? 'No deals were created in this range. New deals are credited here, at their creation, to the campaigns and channels that touched them before.'
    : 'No won deals closed in this range. When a deal is won, its revenue is credited here to the campaigns and channels that produced it.';
  drawChart(
    'campaign',
    campaigns.length
      ? barConfig(
          campaigns.map(([k]) => k),
          campaigns.map(([, v]) => v),
          { horizontal: true, format: money },
        )
      : null,
  );
  drawChart(
    'channel',
    channels.length
      ? {
          type: 'doughnut',
          data: {
            labels: channels.map(([k]) => k),
            datasets: [
              { data: channels.map(([, v]) => v), backgroundColor: channels.map((_, i) => COLORS[i % COLORS.length]) },
            ],
          },
          options: {
            plugins: {
              legend: { display: true, position: 'right' },
              tooltip: { callbacks: { label: (ctx) => `${ctx.label}: ${money(ctx.parsed)}` } },
            },
          },
        }
      : null,
  );
  const lists = [figures('attr-by-campaign', campaigns), figures('attr-by-channel', channels)];
  if (pipeline)
    lists.push(
      figures('attr-sourced', sortedEntries(a.sourced?.by_campaign)),
      figures('attr-influenced', sortedEntries(a.influenced?.by_campaign)),
    );
  for (const id of ['attr-by-campaign', 'attr-by-channel', 'attr-sourced', 'attr-influenced'])
    document.querySelector(`[data-testid="${id}"]`)?.remove();
  empty.after(...lists);
  fill(slot('roi'), roiTable(a.roi?.by_campaign ?? []));
}
