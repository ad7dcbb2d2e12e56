/* global document, location, fetch */
// The draft preview panel: what the draft agreement on disk would do to the people Baton knows,
// replayed under the live version and under the draft at the same instant (POST
// /api/agreement/preview with no body). Who changes stage, MQLs per week against the actual ones,
// each owner's extra load, and how many of the newly handed off sales had already rejected.
// The panel builds its own card; app.js hands it the agreement it loaded. Numbers carry data-value.
import { h, fill, num, tile, drawChart, COLORS, STAGE_LABEL } from './dom.js';
import { openPerson } from './person.js';

const LIST = 50;
let section = null;

function card() {
  if (section) return section;
  section = h(
    'section',
    { class: 'card span-12', testid: 'panel-preview' },
    h(
      'h2',
      {},
      'Draft preview ',
      h('span', { class: 'hint' }, 'the draft on disk replayed over everyone Baton knows, against the live version'),
    ),
    h(
      'div',
      { class: 'model-row' },
      h('button', { type: 'button', testid: 'preview-refresh', onclick: () => loadPreview() }, 'Preview again'),
    ),
    h('div', { 'data-slot': 'preview' }, h('p', { class: 'empty' }, 'Loading…')),
    h(
      'div',
      { class: 'chart-box', hidden: true },
      h('canvas', { 'data-chart': 'preview-weeks', 'aria-label': 'MQLs per week', role: 'img' }),
    ),
    h('div', { 'data-slot': 'preview-tables' }),
  );
  const main = document.querySelector('[data-testid="dashboard"]');
  const before = main.querySelector('[data-testid="panel-recent"]');
  main.insertBefore(section, before);
  return section;
}

const body = () => section.querySelector('[data-slot="preview"]');
const tables = () => section.querySelector('[data-slot="preview-tables"]');

async function postPreview() {
  const res = await fetch('/api/agreement/preview', {
    method: 'POST',
    credentials: 'same-origin',
    headers: { accept: 'application/json' },
  });
  if (res.status === 401) {
    location.reload();
    throw new Error('signed out');
  }
  const answer = await res.json().catch(() => null);
  return { ok: res.ok, status: res.status, answer };
}

function loadTable(kind, title, rows) {
  const keys = Object.keys(rows);
  if (!keys.length) return null;
  return h(
    'div',
    {},
    h('h3', {}, title),
    h(
      'table',
      { class: 'table compact', testid: `preview-${kind}` },
      h(
        'thead',
        {},
        h(
          'tr',
          {},
          h('th', {}, kind === 'owners' ? 'Owner' : 'Segment'),
          ...['Changed', 'Gained', 'Lost', 'Extra'].map((t) => h('th', {}, t)),
        ),
      ),
      h(
        'tbody',
        {},
        keys.map((k, i) =>
          h(
            'tr',
            { dataset: { key: k } },
            h('td', {}, k),
            h('td', {}, num(`preview-${kind}-${i}-changed`, rows[k].changed)),
            h('td', {}, num(`preview-${kind}-${i}-gained`, rows[k].gained)),
            h('td', {}, num(`preview-${kind}-${i}-lost`, rows[k].lost)),
            h(
              'td',
              {},
              num(`preview-${kind}-${i}-extra`, rows[k].extra, (v) => (v > 0 ? `+${v}` : String(v))),
            ),
          ),
        ),
      ),
    ),
  );
}

function changedList(r) {
  if (!r.changed.length) return null;
  return h(
    'div',
    {},
    h('h3', {}, `Who changes${r.changed_total > LIST ? ` (first ${LIST} of ${r.changed_total})` : ''}`),
    h(
      'table',
      { class: 'table compact', testid: 'preview-changed' },
      h(
        'thead',
        {},
        h('tr', {}, ...['Person', 'Live', 'Draft', 'Why, under the draft', 'Owner'].map((t) => h('th', {}, t))),
      ),
      h(
        'tbody',
        {},
        r.changed
          .slice(0, LIST)
          .map((c) =>
            h(
              'tr',
              { dataset: { email: c.email, handoff: c.handoff ?? '' } },
              h(
                'td',
                {},
                h(
                  'button',
                  { type: 'button', class: 'link', testid: 'preview-open', onclick: () => openPerson(c.email) },
                  c.email,
                ),
              ),
              h('td', {}, STAGE_LABEL[c.from] ?? c.from),
              h('td', {}, STAGE_LABEL[c.to] ?? c.to),
              h('td', {}, c.toReason),
              h('td', {}, c.owner),
            ),
          ),
      ),
    ),
  );
}

function rejectedLine(r) {
  const rej = r.already_rejected;
  if (!r.handoffs.newly) return null;
  const reasons = Object.entries(rej.reasons)
    .sort((a, b) => b[1] - a[1])
    .map(([k, v]) => `${k} ${v}`)
    .join(', ');
  return h(
    'div',
    { class: rej.people ? 'callout warn' : 'callout', testid: 'preview-rejected' },
    num('preview-rejected-people', rej.people),
    ` of the ${r.handoffs.newly} people the draft newly hands off were already rejected by sales`,
    reasons ? ` (${reasons}).` : '.',
  );
}

function render(r) {
  const unchanged = r.draft.version === r.live.version && r.draft.missing.length === 0;
  section.dataset.draftVersion = String(r.draft.version);
  const who = r.draft.missing.length
    ? `; ${r.draft.missing.join(' and ')} ha${r.draft.missing.length > 1 ? 've' : 's'} not approved it`
    : '';
  fill(
    body(),
    h(
      'p',
      { class: 'note', testid: 'preview-title' },
      unchanged
        ? `agreement.yaml holds the live version (v${r.live.version}); there is no draft to preview.`
        : `'${r.draft.name}' v${r.draft.version} against live v${r.live.version}${who}. ${r.people} people replayed at ${r.at}.`,
    ),
    h(
      'div',
      { class: 'tiles' },
      tile('Change stage', 'preview-changed-total', r.changed_total),
      tile('Newly handed off', 'preview-newly', r.handoffs.newly),
      tile('No longer handed off', 'preview-no-longer', r.handoffs.no_longer),
      tile(
        'MQLs, draft vs live',
        'preview-extra',
        r.handoffs.draft - r.handoffs.live,
        (v) => (v > 0 ? `+${v}` : String(v)),
        `${r.handoffs.actual} happened`,
      ),
    ),
    rejectedLine(r),
  );
  const weeks = r.mql_per_week;
  drawChart(
    'preview-weeks',
    weeks.length
      ? {
          type: 'line',
          data: {
            labels: weeks.map((w) => w.week),
            datasets: [
              { label: 'Actual', data: weeks.map((w) => w.actual), borderColor: COLORS[9], backgroundColor: COLORS[9] },
              {
                label: 'Live, replayed',
                data: weeks.map((w) => w.live),
                borderColor: COLORS[0],
                backgroundColor: COLORS[0],
              },
              { label: 'Draft', data: weeks.map((w) => w.draft), borderColor: COLORS[2], backgroundColor: COLORS[2] },
            ],
          },
          options: {
            plugins: { legend: { display: true } },
            scales: { y: { beginAtZero: true, ticks: { precision: 0 } } },
          },
        }
      : null,
  );
  fill(
    tables(),
    h(
      'div',
      { class: 'split' },
      loadTable('owners', 'Load by owner', r.by_owner),
      loadTable('segments', 'By segment (routing rule)', r.by_segment),
    ),
    changedList(r),
  );
  section.dataset.loaded = r.draft_hash;
}

function renderProblem(status, answer) {
  drawChart('preview-weeks', null);
  fill(tables());
  const problems = answer?.problems ?? [];
  fill(
    body(),
    h(
      'div',
      { class: 'callout warn', testid: 'preview-problem', dataset: { status: String(status) } },
      problems.length ? 'The draft on disk has problems:' : (answer?.message ?? `The preview answered ${status}.`),
      problems.length
        ? h(
            'ul',
            { class: 'plain' },
            problems.map((p) => h('li', {}, `${p.file}:${p.line}:${p.col}: ${p.message}`)),
          )
        : null,
    ),
  );
  section.dataset.loaded = `error:${status}`;
}

/** Loads the preview of the draft on disk into the panel. */
export async function loadPreview() {
  card();
  section.setAttribute('aria-busy', 'true');
  try {
    const { ok, status, answer } = await postPreview();
    if (ok) render(answer);
    else renderProblem(status, answer);
  } catch (err) {
    renderProblem(0, { message: `Could not load the preview: ${err.message}` });
  } finally {
    section.removeAttribute('aria-busy');
  }
}

let previewed = null;

/**
 * Shows the panel for the agreement the dashboard reports: a draft on disk is previewed when it
 * appears (and again when its version changes; the button previews on demand); without a draft,
 * nothing is replayed.
 */
export function previewDraft(agreement) {
  card();
  const draft = agreement?.draft;
  if (!draft) {
    previewed = null;
    drawChart('preview-weeks', null);
    fill(tables());
    fill(
      body(),
      h(
        'p',
        { class: 'empty', testid: 'preview-none' },
        'No draft on disk: agreement.yaml holds the live version. Save a draft there to see what it would change.',
      ),
    );
    section.dataset.loaded = 'none';
    return;
  }
  if (previewed === draft.version) return;
  previewed = draft.version;
  return loadPreview();
}
