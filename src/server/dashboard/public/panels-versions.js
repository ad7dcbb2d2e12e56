/* global fetch, location */
// The agreement's versions in the agreement panel: every version that went live (live from/to,
// who approved it and how), and the draft on disk as its diff to the live version, with an
// Approve button for the signed-in owner of a side that has not approved this text (its hash).
import { h, slot, fill, dateOnly, dateTime } from './dom.js';

const SIDE_LABEL = { marketing: 'Marketing', sales: 'Sales' };
const VIA_LABEL = {
  dashboard: 'on the dashboard',
  api: 'through the API',
  cli: 'with the CLI',
  file: 'by date in the file',
};

const approvalText = (a) =>
  `${SIDE_LABEL[a.side] ?? a.side}: ${a.name} ${VIA_LABEL[a.via] ?? a.via}, ${a.via === 'file' ? dateOnly(a.approved_on) : dateTime(a.at)}`;

const STATUS_LABEL = { draft: 'draft', scheduled: 'approved, scheduled', approved: 'approved', refused: 'refused' };

/** The live version's owners as approved by what Baton recorded (dashboard or CLI approvals carry no date in the file). */
export function withRecordedApprovals(agreement, versions) {
  const live = versions.find((v) => v.live && v.version === agreement.version);
  if (!live) return agreement;
  const owners = { ...agreement.owners };
  for (const a of live.approvals)
    if (owners[a.side]) owners[a.side] = { ...owners[a.side], approved: a.approved_on ?? a.at };
  return { ...agreement, owners };
}

function diffView(diff) {
  if (!diff) return null;
  const lines = diff.replace(/\n$/, '').split('\n');
  // The first two lines are the `---`/`+++` headers; a later `----` is a removed YAML `---` line.
  const kind = (l, i) =>
    i < 2
      ? 'file'
      : l.startsWith('@@')
        ? 'hunk'
        : l[0] === '\\' // `\ No newline at end of file`
          ? 'note'
          : l[0] === '+'
            ? 'add'
            : l[0] === '-'
              ? 'del'
              : 'same';
  return h(
    'pre',
    { class: 'diff', testid: 'draft-diff' },
    ...lines.map((l, i) => h('span', { class: `diff-${kind(l, i)}` }, `${l}\n`)),
  );
}

async function approve(hash, done) {
  const button = slot('agreement-versions').querySelector('[data-testid="draft-approve"]');
  if (button) button.disabled = true;
  const res = await fetch('/api/agreement/approve', {
    method: 'POST',
    credentials: 'same-origin',
    headers: { 'content-type': 'application/json', accept: 'application/json' },
    body: JSON.stringify({ hash }),
  });
  if (res.status === 401) return location.reload();
  const body = await res.json().catch(() => null);
  done(res.ok ? null : (body?.message ?? `approve answered ${res.status}`));
}

function draftPanel(d, refresh) {
  const you = d.you;
  const note = !you
    ? 'Signed in with the API token: sign in with your own token to approve.'
    : you.role === 'viewer'
      ? 'You are a viewer: only a marketing or a sales user approves.'
      : you.approved
        ? `${SIDE_LABEL[you.side]} approved this text.`
        : null;
  return h(
    'div',
    {
      class: 'draft-view',
      testid: 'draft-view',
      dataset: { hash: d.hash, status: d.status, version: String(d.version) },
    },
    h(
      'div',
      { class: 'draft-head' },
      h('strong', {}, `Version ${d.version} on disk`),
      h(
        'span',
        { class: d.status === 'refused' ? 'badge warn' : 'badge', testid: 'draft-status' },
        STATUS_LABEL[d.status],
      ),
      h('code', { class: 'small muted', title: d.hash }, `sha256 ${d.hash.slice(0, 12)}`),
    ),
    d.message ? h('p', { class: 'small', testid: 'draft-message' }, d.message) : null,
    h(
      'div',
      { class: 'draft-approvals' },
      ...['marketing', 'sales'].map((side) => {
        const a = d.approvals.find((x) => x.side === side);
        return h(
          'div',
          { class: 'small', testid: `draft-approval-${side}`, dataset: { approved: String(!!a) } },
          a ? approvalText(a) : `${SIDE_LABEL[side]}: not approved yet`,
        );
      }),
    ),
    you?.can_approve
      ? h(
          'button',
          {
            type: 'button',
            class: 'approve',
            testid: 'draft-approve',
            onclick: () => approve(d.hash, refresh),
          },
          `Approve for ${SIDE_LABEL[you.side]} as ${you.name}`,
        )
      : null,
    note ? h('p', { class: 'muted small', testid: 'draft-you' }, note) : null,
    h('p', { class: 'small' }, d.live ? `Changes from the live version ${d.live.version}:` : 'No version is live yet.'),
    diffView(d.diff),
  );
}

/** Renders the versions and the draft; `refresh(error)` reloads the panel after an approval (showing `error` if it failed). */
export function renderVersions(versions, draftAnswer, refresh) {
  const list = h(
    'ol',
    { class: 'versions', testid: 'agreement-versions-list' },
    ...versions.map((v) =>
      h(
        'li',
        { testid: `version-${v.version}`, dataset: { version: String(v.version), live: String(v.live) } },
        h('strong', {}, `v${v.version}`),
        v.live ? h('span', { class: 'badge ok' }, 'live') : null,
        h('span', { class: 'muted small' }, ` ${dateTime(v.live_from)} → ${v.live_to ? dateTime(v.live_to) : 'now'}`),
        ...v.approvals.map((a) => h('div', { class: 'muted small' }, approvalText(a))),
      ),
    ),
  );
  fill(
    slot('agreement-versions'),
    draftAnswer.draft ? draftPanel(draftAnswer.draft, refresh) : null,
    draftAnswer.problem ? h('p', { class: 'callout warn small', testid: 'draft-problem' }, draftAnswer.problem) : null,
    h('h3', { class: 'versions-title' }, 'Versions'),
    versions.length ? list : h('p', { class: 'empty' }, 'No version went live yet.'),
  );
}
