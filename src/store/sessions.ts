/** Dashboard sessions: rows keyed by the hash of the session id. */
import type { Ctx } from './db.ts';
import type { SessionRow } from './types.ts';
import { iso } from './dialect.ts';

export async function createSession(ctx: Ctx, row: SessionRow): Promise<void> {
  await ctx.db
    .insertInto('sessions')
    .values({
      id_hash: row.idHash,
      token_hash: row.tokenHash,
      created_at: iso(row.createdAt),
      seen_at: iso(row.seenAt),
      expires_at: iso(row.expiresAt),
      user_id: row.userId ?? null,
    })
    .execute();
}

export async function getSession(ctx: Ctx, idHash: string): Promise<SessionRow | null> {
  const r = await ctx.db.selectFrom('sessions').selectAll().where('id_hash', '=', idHash).executeTakeFirst();
  return r
    ? {
        idHash: r.id_hash,
        tokenHash: r.token_hash,
        createdAt: r.created_at,
        seenAt: r.seen_at,
        expiresAt: r.expires_at,
        userId: r.user_id === null ? null : Number(r.user_id),
      }
    : null;
}

export async function touchSession(ctx: Ctx, idHash: string, seenAt: string): Promise<void> {
  await ctx.db
    .updateTable('sessions')
    .set({ seen_at: iso(seenAt) })
    .where('id_hash', '=', idHash)
    .execute();
}

export async function deleteSession(ctx: Ctx, idHash: string): Promise<boolean> {
  const r = await ctx.db.deleteFrom('sessions').where('id_hash', '=', idHash).executeTakeFirst();
  return Number(r.numDeletedRows) > 0;
}

/**
 * Deletes sessions that ended (absolute or idle), sessions of the API token made with another
 * token, and sessions of a user who was removed or whose token is no longer theirs.
 */
export async function pruneSessions(
  ctx: Ctx,
  opts: { now: string; idleBefore: string; tokenHash: string },
): Promise<number> {
  const r = await ctx.db
    .deleteFrom('sessions')
    .where((eb) =>
      eb.or([
        eb('expires_at', '<=', iso(opts.now)),
        eb('seen_at', '<', iso(opts.idleBefore)),
        eb.and([eb('user_id', 'is', null), eb('token_hash', '!=', opts.tokenHash)]),
        eb.and([
          eb('user_id', 'is not', null),
          eb.not(
            eb.exists(
              eb
                .selectFrom('users')
                .select('users.id')
                .whereRef('users.id', '=', 'sessions.user_id')
                .whereRef('users.token_hash', '=', 'sessions.token_hash'),
            ),
          ),
        ]),
      ]),
    )
    .executeTakeFirst();
  return Number(r.numDeletedRows);
}
