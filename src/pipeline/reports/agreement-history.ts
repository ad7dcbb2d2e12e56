/**
 * The agreement's history as `/api/agreement/*` and `baton agreement` show it: every version that
 * went live (text, hash, approvals, live from/to, the unified diff to the one before), the draft
 * on disk (its diff to the live version, approvals so far, who is missing), and the diff from any
 * stored version to the file on disk (`baton agreement diff A draft`).
 */
import { agreementHash, shortHash, unifiedDiff } from '../../config/agreement-text.ts';
import { NotFoundError } from '../../platform/errors.ts';
import type { AgreementVersionRow, ApprovalRow, Store, UserRow } from '../../store/types.ts';
import { SIDES, liveOf, type DraftState } from '../agreement-draft.ts';

export interface ApprovalView {
  side: string;
  name: string;
  email: string;
  /** dashboard, api, cli, or file (a date written in agreement.yaml). */
  via: string;
  /** The date written in the file, for `via: file`. */
  approved_on: string | null;
  /** When Baton recorded it. */
  at: string;
}

export interface VersionSummary {
  version: number;
  name: string;
  hash: string;
  live: boolean;
  live_from: string;
  live_to: string | null;
  approvals: ApprovalView[];
}

export interface VersionDetail extends VersionSummary {
  text: string;
  /** The version before it, and the unified diff from that one's text ('' for the first). */
  previous: number | null;
  diff: string;
}

const approvalView = (a: ApprovalRow): ApprovalView => ({
  side: a.side,
  name: a.name,
  email: a.email,
  via: a.via,
  approved_on: a.approvedOn,
  at: a.at,
});

/** A text as a diff's header names it; a file without a `version:` (0) has only its hash. */
const label = (version: number, hash: string) =>
  `agreement.yaml${version ? ` v${version}` : ''} (sha256 ${shortHash(hash)})`;

/**
 * A version stored before approvals were recorded (migration 4) has none: the dates its stored
 * owners carry are what approved it.
 */
function ownerDates(v: AgreementVersionRow): ApprovalView[] {
  const out: ApprovalView[] = [];
  for (const side of SIDES) {
    const o = v.owners[side] as { name?: string; email?: string; approved?: string } | undefined;
    if (o?.approved)
      out.push({ side, name: o.name ?? '', email: o.email ?? '', via: 'file', approved_on: o.approved, at: v.liveAt });
  }
  return out;
}

async function summary(
  store: Store,
  v: AgreementVersionRow,
  live: AgreementVersionRow | null,
): Promise<VersionSummary> {
  const recorded = (await store.approvalsOf(v.hash)).map(approvalView);
  return {
    version: v.version,
    name: v.name,
    hash: v.hash,
    live: v.version === live?.version,
    live_from: v.liveAt,
    live_to: v.liveTo ?? null,
    approvals: recorded.length ? recorded : ownerDates(v),
  };
}

/** Every version that went live, newest first. */
export async function listVersions(store: Store): Promise<VersionSummary[]> {
  const versions = await store.listAgreementVersions();
  const live = liveOf(versions);
  const out: VersionSummary[] = [];
  for (const v of [...versions].reverse()) out.push(await summary(store, v, live));
  return out;
}

/** One version whole, with the diff from the version before it; `NotFoundError` when it never went live. */
export async function versionDetail(store: Store, version: number): Promise<VersionDetail> {
  const versions = await store.listAgreementVersions();
  const i = versions.findIndex((v) => v.version === version);
  if (i < 0)
    throw new NotFoundError(
      `no agreement version ${version} went live (versions: ${versions.map((v) => v.version).join(', ') || 'none'})`,
    );
  const v = versions[i];
  const prev = i > 0 ? versions[i - 1] : null;
  return {
    ...(await summary(store, v, liveOf(versions))),
    text: v.text,
    previous: prev?.version ?? null,
    diff: prev
      ? unifiedDiff(prev.text, v.text, { before: label(prev.version, prev.hash), after: label(v.version, v.hash) })
      : '',
  };
}

/** The unified diff between two versions that went live. */
export async function versionsDiff(store: Store, a: number, b: number): Promise<string> {
  const [x, y] = [await versionDetail(store, a), await versionDetail(store, b)];
  return unifiedDiff(x.text, y.text, { before: label(x.version, x.hash), after: label(y.version, y.hash) });
}

/**
 * The unified diff from version `from` (null: the live one) to `text`, the agreement on disk,
 * whose `version:` is `version` (0 when it has none); read-only, so it works on a file that does
 * not validate. `NotFoundError` when `from` never went live, or (for null) no version did.
 */
export async function diffToDisk(
  store: Store,
  from: number | null,
  text: string,
  version: number,
): Promise<{ from: number; diff: string }> {
  let base: { version: number; hash: string; text: string } | null;
  if (from === null) {
    base = liveOf(await store.listAgreementVersions());
    if (!base) throw new NotFoundError('no agreement version went live yet: there is nothing to compare the file with');
  } else base = await versionDetail(store, from);
  return {
    from: base.version,
    diff: unifiedDiff(base.text, text, {
      before: label(base.version, base.hash),
      after: label(version, agreementHash(text)),
    }),
  };
}

/** What the signed-in user may do with the draft. */
export interface Viewer {
  name: string;
  role: string;
  /** The side this user approves for; null for a viewer or the API token. */
  side: string | null;
  can_approve: boolean;
  /** True when this user's side approved this draft already. */
  approved: boolean;
}

export interface DraftView {
  version: number;
  name: string;
  hash: string;
  status: DraftState['status'];
  message: string;
  effective: string | null;
  text: string;
  /** The live version it would replace, and the unified diff from its text. */
  live: { version: number; hash: string } | null;
  diff: string;
  approvals: ApprovalView[];
  missing: string[];
  you: Viewer | null;
}

/** The draft on disk as the API shows it, for `user` (null: the API token). */
export async function draftView(store: Store, draft: DraftState, user: UserRow | null): Promise<DraftView> {
  const live = liveOf(await store.listAgreementVersions());
  const side = user && user.role !== 'viewer' ? user.role : null;
  const approved = !!side && draft.approvals.some((a) => a.side === side);
  return {
    version: draft.version,
    name: draft.name,
    hash: draft.hash,
    status: draft.status,
    message: draft.message,
    effective: draft.effective,
    text: draft.text,
    live: draft.live,
    diff: live
      ? unifiedDiff(live.text, draft.text, {
          before: label(live.version, live.hash),
          after: label(draft.version, draft.hash),
        })
      : '',
    approvals: draft.approvals.map(approvalView),
    missing: SIDES.filter((s) => draft.missing.includes(s)),
    you: user
      ? {
          name: user.name,
          role: user.role,
          side,
          can_approve: !!side && !approved && draft.status === 'draft',
          approved,
        }
      : null,
  };
}
