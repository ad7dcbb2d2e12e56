/* global document, setTimeout */
// The re-score of every person under the agreement version that went live last
// (GET /api/agreement/rescore): a progress bar at the top of the dashboard while it runs, gone
// once it is done. Polled every 2 s while running, every 15 s otherwise (a version may go live
// while the page is open).
import { fmtInt, getJson, h, fill, pct } from './dom.js';

const RUNNING_MS = 2000;
const IDLE_MS = 15_000;

function panel() {
  let el = document.querySelector('[data-testid="panel-rescore"]');
  if (!el) {
    el = h('section', { class: 'card span-12 rescore', testid: 'panel-rescore', hidden: true });
    document.querySelector('[data-testid="dashboard"]').prepend(el);
  }
  return el;
}

/** Shows the re-score `r` (the API's answer); hidden when none runs. */
export function renderRescore(r) {
  const el = panel();
  el.hidden = !r.running;
  if (!r.running) return fill(el);
  const share = r.total ? r.done / r.total : 0;
  fill(
    el,
    h(
      'h2',
      {},
      `Re-scoring everyone under v${r.version}`,
      h('span', { class: 'hint' }, 'the version that went live; only changed values are written'),
    ),
    h(
      'div',
      {
        class: 'bar rescore-bar',
        role: 'progressbar',
        'aria-valuemin': 0,
        'aria-valuemax': r.total,
        'aria-valuenow': r.done,
        testid: 'rescore-bar',
        dataset: { done: String(r.done), total: String(r.total), version: String(r.version) },
      },
      h('span', { class: 'bar-fill', style: `width: ${(share * 100).toFixed(1)}%` }),
    ),
    h(
      'p',
      { class: 'note', testid: 'rescore-text' },
      `${fmtInt.format(r.done)} of ${fmtInt.format(r.total)} people (${pct(share)})`,
    ),
  );
}

/** Polls the re-score and keeps the panel current. */
export function watchRescore() {
  const tick = async () => {
    let running = false;
    try {
      const r = await getJson('/api/agreement/rescore');
      renderRescore(r);
      running = r.running;
    } catch {
      // the next round tries again; the status line belongs to the range's panels
    }
    setTimeout(tick, running ? RUNNING_MS : IDLE_MS);
  };
  void tick();
}
