/**
 * Agreement versions that went live (text, hash, live from/to) and the approvals of agreement
 * texts, each bound to the text's sha256: an edit makes a new hash, which no approval covers.
 */
import type { Ctx } from './db.ts';
import type { AgreementVersionRow, ApprovalRow, ApprovalVia, OwnerSide } from './types.ts';
import { fromJson, iso, toJson } from './dialect.ts';

/** Stores a version going live and closes the one it replaces; false when the number or hash is stored already. */
export async function saveAgreementVersion(ctx: Ctx, row: AgreementVersionRow): Promise<boolean> {
  const at = iso(row.liveAt);
  const inserted = await ctx.db
    .insertInto('agreement_versions')
    .values({
      version: row.version,
      name: row.name,
      text: row.text,
      owners: toJson(row.owners),
      hash: row.hash,
      live_at: at,
      live_to: null,
    })
    .onConflict((oc) => oc.doNothing())
    .returning('version')
    .executeTakeFirst();
  if (!inserted) return false;
  await ctx.db
    .updateTable('agreement_versions')
    .set({ live_to: at })
    .where('live_to', 'is', null)
    .where('version', '!=', row.version)
    .execute();
  return true;
}

function toVersion(r: {
  version: number;
  name: string;
  text: string;
  owners: string;
  hash: string;
  live_at: string;
  live_to: string | null;
}): AgreementVersionRow {
  return {
    version: Number(r.version),
    name: r.name,
    text: r.text,
    owners: fromJson(r.owners, {}),
    hash: r.hash,
    liveAt: r.live_at,
    liveTo: r.live_to ?? null,
  };
}

/** The version that went live last. */
export async function liveAgreementVersion(ctx: Ctx): Promise<AgreementVersionRow | null> {
  const r = await ctx.db
    .selectFrom('agreement_versions')
    .selectAll()
    .orderBy('live_at', 'desc')
    .orderBy('version', 'desc')
    .limit(1)
    .executeTakeFirst();
  return r ? toVersion(r) : null;
}

/** Every stored version, oldest first. */
export async function listAgreementVersions(ctx: Ctx): Promise<AgreementVersionRow[]> {
  const rows = await ctx.db.selectFrom('agreement_versions').selectAll().orderBy('version').execute();
  return rows.map(toVersion);
}

export async function recordApproval(ctx: Ctx, row: ApprovalRow): Promise<boolean> {
  const r = await ctx.db
    .insertInto('agreement_approvals')
    .values({
      hash: row.hash,
      side: row.side,
      version: row.version,
      name: row.name,
      email: row.email,
      user_id: row.userId,
      via: row.via,
      approved_on: row.approvedOn,
      at: iso(row.at),
    })
    .onConflict((oc) => oc.columns(['hash', 'side']).doNothing())
    .returning('side')
    .executeTakeFirst();
  return r !== undefined;
}

export async function approvalsOf(ctx: Ctx, hash: string): Promise<ApprovalRow[]> {
  const rows = await ctx.db
    .selectFrom('agreement_approvals')
    .selectAll()
    .where('hash', '=', hash)
    .orderBy('side')
    .execute();
  return rows.map((r) => ({
    hash: r.hash,
    side: r.side as OwnerSide,
    version: Number(r.version),
    name: r.name,
    email: r.email,
    userId: r.user_id === null ? null : Number(r.user_id),
    via: r.via as ApprovalVia,
    approvedOn: r.approved_on,
    at: r.at,
  }));
}
