/** The readable form of a draft's preview (`baton simulate --from-store --against FILE`). Pure. */
import { STAGES } from '../config/schema.ts';
import type { LoadFigures, PreviewReport } from '../agreement/preview.ts';

const n = (v: number, w = 8) => String(v).padStart(w);
const signed = (v: number, w = 8) => (v > 0 ? `+${v}` : String(v)).padStart(w);

function loadTable(title: string, rows: Record<string, LoadFigures>): string[] {
  const keys = Object.keys(rows);
  if (!keys.length) return [];
  const width = Math.max(title.length + 2, ...keys.map((k) => k.length + 2));
  return [
    '',
    `${title.padEnd(width)}${'changed'.padStart(8)}${'gained'.padStart(8)}${'lost'.padStart(8)}${'extra'.padStart(8)}`,
    ...keys.map((k) => {
      const f = rows[k];
      return `${k.padEnd(width)}${n(f.changed)}${n(f.gained)}${n(f.lost)}${signed(f.extra)}`;
    }),
  ];
}

/** The report as lines of text: summary, stage counts, groups, weeks, then every changed person. */
export function formatPreview(r: PreviewReport): string {
  const missing = r.draft.missing.length ? ` (draft: ${r.draft.missing.join(' and ')} not approved)` : '';
  const lines = [
    `draft '${r.draft.name}' v${r.draft.version}${missing} against live '${r.live.name}' v${r.live.version}`,
    `${r.people} people in the store, replayed at ${r.at}`,
    '',
    `${'stage'.padEnd(14)}${'live'.padStart(9)}${'draft'.padStart(9)}`,
    ...STAGES.map((s) => `${s.padEnd(14)}${n(r.counts.live[s], 9)}${n(r.counts.draft[s], 9)}`),
    '',
    `${r.changed_total} ${r.changed_total === 1 ? 'person changes' : 'people change'} stage; ` +
      `handoffs ${r.handoffs.live} live → ${r.handoffs.draft} draft (${r.handoffs.actual} happened); ` +
      `${r.handoffs.newly} newly handed off, ${r.handoffs.no_longer} no longer`,
  ];
  const rej = r.already_rejected;
  if (r.handoffs.newly)
    lines.push(
      `already rejected by sales: ${rej.people} of the ${r.handoffs.newly} newly handed off` +
        (rej.people
          ? ` (${Object.entries(rej.reasons)
              .sort((a, b) => b[1] - a[1] || a[0].localeCompare(b[0]))
              .map(([k, v]) => `${k} ${v}`)
              .join(', ')})`
          : ''),
    );
  const rules = Object.entries(r.by_rule).sort((a, b) => b[1] - a[1] || a[0].localeCompare(b[0]));
  if (rules.length) {
    const width = Math.max(10, ...rules.map(([k]) => k.length + 2));
    lines.push(
      '',
      `${'by rule'.padEnd(width)}${'people'.padStart(8)}`,
      ...rules.map(([k, v]) => `${k.padEnd(width)}${n(v)}`),
    );
  }
  lines.push(...loadTable('by owner', r.by_owner), ...loadTable('by segment', r.by_segment));
  if (r.mql_per_week.length) {
    lines.push('', `${'MQLs, week of'.padEnd(14)}${'actual'.padStart(8)}${'live'.padStart(8)}${'draft'.padStart(8)}`);
    for (const w of r.mql_per_week) lines.push(`${w.week.padEnd(14)}${n(w.actual)}${n(w.live)}${n(w.draft)}`);
  }
  if (r.changed.length) {
    lines.push('', 'who changes:');
    for (const c of r.changed)
      lines.push(
        `  ${c.email}: ${c.from} → ${c.to} (was ${c.fromReason}; now ${c.toReason}) owner ${c.owner}` +
          (c.handoff ? `, ${c.handoff === 'new' ? 'newly handed off' : 'no longer handed off'}` : ''),
      );
  }
  return `${lines.join('\n')}\n`;
}
