/**
 * The agreement on disk against the versions that went live: whether it is the live text, a draft
 * (and whose approval it still needs), approved and waiting for its `effective:` time, or refused
 * (a changed text under a number already seen, or a number below the live one). Approvals are
 * bound to the draft's sha256: an edit after an approval makes a new hash that no approval covers.
 */
import type { AgreementConfig } from '../config/agreement-schema.ts';
import { agreementHash, shortHash } from '../config/agreement-text.ts';
import type { LoadedConfig } from '../config/load.ts';
import { ConflictError, ForbiddenError } from '../platform/errors.ts';
import type { AgreementVersionRow, ApprovalRow, ApprovalVia, OwnerSide, Store, UserRow } from '../store/types.ts';

export const SIDES: readonly OwnerSide[] = ['marketing', 'sales'];

/** What the file holds when it is not the live version. */
export interface DraftState {
  version: number;
  name: string;
  hash: string;
  text: string;
  file: string;
  /**
   * `draft`: an owner has not approved it; `scheduled`: both have, it goes live at `effective`;
   * `approved`: both have, it goes live now; `refused`: it can never go live as it is (`message` says why and what to do).
   */
  status: 'draft' | 'scheduled' | 'approved' | 'refused';
  /** The sides whose approval of this hash is missing. */
  missing: OwnerSide[];
  approvals: ApprovalRow[];
  effective: string | null;
  /** The live version it would replace. */
  live: { version: number; hash: string } | null;
  /** The notice for a refused, draft or scheduled text. */
  message: string;
}

/** The version that went live last (by live-from), from the stored list. */
export function liveOf(versions: readonly AgreementVersionRow[]): AgreementVersionRow | null {
  let live: AgreementVersionRow | null = null;
  for (const v of versions)
    if (!live || v.liveAt > live.liveAt || (v.liveAt === live.liveAt && v.version > live.version)) live = v;
  return live;
}

/** The number a new version takes: one above every version seen (stored or in the file). */
export function nextVersion(versions: readonly AgreementVersionRow[], fileVersion = 0): number {
  return Math.max(fileVersion, ...versions.map((v) => v.version)) + 1;
}

const date = (iso: string | null | undefined) => (iso ? iso.slice(0, 10) : '?');

/** Records the approval dates written in the file under this text's hash (once: Baton notes the hash it saw and when). */
async function recordFileDates(
  store: Store,
  agreement: AgreementConfig,
  hash: string,
  have: ApprovalRow[],
  at: string,
): Promise<ApprovalRow[]> {
  let added = false;
  for (const side of SIDES) {
    const owner = agreement.owners[side];
    if (owner.approved === undefined || have.some((a) => a.side === side)) continue;
    added =
      (await store.recordApproval({
        hash,
        side,
        version: agreement.version,
        name: owner.name,
        email: owner.email,
        userId: null,
        via: 'file',
        approvedOn: owner.approved,
        at,
      })) || added;
  }
  return added ? store.approvalsOf(hash) : have;
}

/**
 * The agreement of `cfg` judged against the stored versions; null when it is the live version's
 * text. Approval dates in the file are recorded under the text's hash as a side effect.
 */
export async function examineDraft(store: Store, cfg: LoadedConfig, now: Date): Promise<DraftState | null> {
  const text = cfg.texts.agreement;
  const agreement = cfg.agreement;
  const hash = agreementHash(text);
  const file = cfg.files.agreement;
  const n = agreement.version;
  const versions = await store.listAgreementVersions();
  const live = liveOf(versions);
  const same = versions.find((v) => v.version === n);
  if (same && same.hash === hash && same.version === live?.version) return null;
  const base = {
    version: n,
    name: agreement.name,
    hash,
    text,
    file,
    effective: agreement.effective ?? null,
    live: live ? { version: live.version, hash: live.hash } : null,
  };
  const refused = (message: string): DraftState => ({
    ...base,
    status: 'refused',
    missing: [...SIDES],
    approvals: [],
    message,
  });
  const next = nextVersion(versions, n);
  if (same && same.hash !== hash)
    return refused(
      `${file}: version ${n} is a version already seen, with other text: v${n} went live ${date(same.liveAt)} as sha256 ${shortHash(same.hash)}, ` +
        `the file holds sha256 ${shortHash(hash)} under the same number. Raise version to ${next} to make the change a new version ` +
        `(a draft until both owners approve it), or put v${n}'s text back (baton agreement show ${n})`,
    );
  if (same)
    return refused(
      `${file}: version ${n} is an earlier version (live ${date(same.liveAt)} to ${date(same.liveTo)}); v${live?.version} is live. ` +
        `To go back to its text run baton agreement rollback ${n} (it writes v${next}, approved like any change)`,
    );
  if (live && n < live.version)
    return refused(
      `${file}: version ${n} is below the live version ${live.version}; raise version to ${next} to make the change a new version`,
    );
  const approvals = await recordFileDates(store, agreement, hash, await store.approvalsOf(hash), now.toISOString());
  const missing = SIDES.filter((side) => !approvals.some((a) => a.side === side));
  const effective = base.effective;
  if (missing.length)
    return {
      ...base,
      status: 'draft',
      missing,
      approvals,
      message: `${file}: draft agreement '${agreement.name}' v${n} is not live: ${missing.join(' and ')} ha${missing.length > 1 ? 've' : 's'} not approved it`,
    };
  if (effective && Date.parse(effective) > now.getTime())
    return {
      ...base,
      status: 'scheduled',
      missing,
      approvals,
      message: `${file}: agreement '${agreement.name}' v${n} is approved by both owners and goes live at ${new Date(Date.parse(effective)).toISOString()} (effective)`,
    };
  return { ...base, status: 'approved', missing, approvals, message: '' };
}

/** Who approves: a named user (the role decides the side) and how they reached Baton. */
export interface Approver {
  user: UserRow;
  via: Exclude<ApprovalVia, 'file'>;
}

/**
 * Records `approver`'s approval of the draft `state` (as examined just before). A viewer, or a
 * draft that is refused or not there, is refused; `expectedHash`, when given, must be the draft's
 * hash (the text the approver read), else the draft changed since and nothing is recorded.
 */
export async function approveDraft(
  store: Store,
  state: DraftState | null,
  approver: Approver,
  at: Date,
  expectedHash?: string,
): Promise<{ side: OwnerSide; recorded: boolean }> {
  const { user } = approver;
  if (user.role === 'viewer')
    throw new ForbiddenError(`${user.name} is a viewer: only a marketing or a sales user approves the agreement`);
  if (!state) throw new ConflictError('there is no draft to approve: the file holds the live version');
  if (state.status === 'refused') throw new ConflictError(state.message);
  if (expectedHash !== undefined && expectedHash !== state.hash)
    throw new ConflictError(
      `the draft changed since it was read: it is now sha256 ${shortHash(state.hash)}, not ${shortHash(expectedHash)}; read it again before approving`,
    );
  const side = user.role;
  const recorded = await store.recordApproval({
    hash: state.hash,
    side,
    version: state.version,
    name: user.name,
    email: user.email,
    userId: user.id,
    via: approver.via,
    approvedOn: null,
    at: at.toISOString(),
  });
  return { side, recorded };
}
