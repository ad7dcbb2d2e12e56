/**
 * The SLA part of the funnel that routing adds: time to answer split into Baton's own delay (the
 * change that made the person an MQL → the Task created in Salesforce) and the rep's (Task created
 * → answer), and the share answered in time, overall, per SLA tier and per (first) owner. Extra
 * keys next to the spec's; `slaBreakdown` is pure, `loadSlaBreakdown` reads the Task times.
 */
import type { Stage } from '../../config/schema.ts';
import { getKv, kv, setKv } from '../../store/keys.ts';
import type { PersonRow, Store, TransitionRow } from '../../store/types.ts';
import { storedRouting } from '../routing/stored-routing.ts';

export interface SlaGroup {
  answered_in_time: number;
  breached: number;
  open: number;
  /** Answered in time over everything decided (in time + breached); null with none decided. */
  share_in_time: number | null;
  median_baton_delay_minutes: number | null;
  median_rep_delay_hours: number | null;
}

export interface SlaBreakdown {
  sla_detail: SlaGroup & { by_tier: Record<string, SlaGroup>; by_owner: Record<string, SlaGroup> };
}

const ANSWERS = new Set<Stage>(['sal', 'recycled', 'sql', 'opportunity', 'won', 'lost', 'disqualified']);
const inWindow = (t: string, from: string | null, to: string | null) =>
  (!from || Date.parse(t) >= Date.parse(from)) && (!to || Date.parse(t) <= Date.parse(to));

function median(xs: number[], digits = 2): number | null {
  if (xs.length === 0) return null;
  const s = [...xs].sort((a, b) => a - b);
  const m = Math.floor(s.length / 2);
  const v = s.length % 2 ? s[m] : (s[m - 1] + s[m]) / 2;
  const f = 10 ** digits;
  return Math.round(v * f) / f;
}

interface Acc {
  inTime: number;
  breached: number;
  open: number;
  baton: number[];
  rep: number[];
}
const acc = (): Acc => ({ inTime: 0, breached: 0, open: 0, baton: [], rep: [] });
const group = (a: Acc): SlaGroup => ({
  answered_in_time: a.inTime,
  breached: a.breached,
  open: a.open,
  share_in_time: a.inTime + a.breached === 0 ? null : Math.round((a.inTime / (a.inTime + a.breached)) * 1000) / 1000,
  // fine enough that seconds survive: a demo's or a quick rep's delay is under a minute
  median_baton_delay_minutes: median(a.baton, 3),
  median_rep_delay_hours: median(a.rep, 5),
});

/**
 * The breakdown for the `mql` entries in the window. `taskAt` is when each person's MQL Task was
 * created; `tierNames` names tiers by index (`default` is the plain `accept_within`).
 */
export function slaBreakdown(input: {
  from: string | null;
  to: string | null;
  histories: Map<number, TransitionRow[]>;
  people: Map<number, PersonRow>;
  taskAt: Map<number, string>;
  tierNames?: string[];
}): SlaBreakdown {
  const all = acc();
  const byTier = new Map<string, Acc>();
  const byOwner = new Map<string, Acc>();
  for (const [personId, rows] of input.histories) {
    const history = [...rows].sort((a, b) => Date.parse(a.at) - Date.parse(b.at) || a.id - b.id);
    const p = input.people.get(personId);
    const state = p?.state;
    const routing = p ? storedRouting(p) : null;
    history.forEach((t, i) => {
      if (t.to !== 'mql' || t.breached || t.from === t.to || !inWindow(t.at, input.from, input.to)) return;
      const later = history.slice(i + 1);
      const answerIndex = later.findIndex((l) => !l.breached && ANSWERS.has(l.to));
      const answer = answerIndex >= 0 ? later[answerIndex] : null;
      const breach = (answer ? later.slice(0, answerIndex) : later).find((l) => l.breached);
      const tierIndex = state?.sla?.tier;
      const tier = tierIndex === undefined ? 'default' : (input.tierNames?.[tierIndex] ?? `tier ${tierIndex + 1}`);
      // the breach counts against the owner it happened to, not the one it was reassigned to
      const owner =
        routing?.ownerEmail ??
        routing?.ownerId ??
        (breach?.meta?.owner as string | undefined) ??
        p?.ownerId ??
        '(none)';
      const groups = [all, byTier.get(tier) ?? acc(), byOwner.get(owner) ?? acc()];
      byTier.set(tier, groups[1]);
      byOwner.set(owner, groups[2]);
      const task = input.taskAt.get(personId);
      const taskMs = task ? Date.parse(task) : NaN;
      for (const g of groups) {
        if (breach) g.breached++;
        else if (answer) g.inTime++;
        else g.open++;
        if (Number.isFinite(taskMs)) {
          g.baton.push(Math.max(0, taskMs - Date.parse(t.at)) / 60_000);
          if (answer) g.rep.push(Math.max(0, Date.parse(answer.at) - taskMs) / 3_600_000);
        }
      }
    });
  }
  return {
    sla_detail: {
      ...group(all),
      by_tier: Object.fromEntries([...byTier].map(([k, v]) => [k, group(v)])),
      by_owner: Object.fromEntries([...byOwner].map(([k, v]) => [k, group(v)])),
    },
  };
}

/** Remembers when a person's MQL Task (`taskKey`) was created, the end of Baton's own delay; a retry keeps the first time. */
export async function recordTaskCreated(store: Store, personId: number, taskKey: string, at: string): Promise<void> {
  const prev = await getKv(store, kv.taskCreated(personId));
  if (prev?.key !== taskKey) await setKv(store, kv.taskCreated(personId), { key: taskKey, at });
}

/** `slaBreakdown` over the store, for the histories the funnel already read. */
export async function loadSlaBreakdown(
  store: Store,
  input: {
    from: string | null;
    to: string | null;
    histories: Map<number, TransitionRow[]>;
    people: PersonRow[];
    tierNames?: string[];
  },
): Promise<SlaBreakdown> {
  const taskAt = new Map<number, string>();
  for (const id of input.histories.keys()) {
    const v = await getKv(store, kv.taskCreated(id));
    if (v) taskAt.set(id, v.at);
  }
  return slaBreakdown({ ...input, people: new Map(input.people.map((p) => [p.id, p])), taskAt });
}
