/** Renewing claims: a worker that is still busy with claimed inbox or outbox rows keeps them leased. */
import type { Ctx } from './db.ts';
import { affected, iso, isoPlus } from './dialect.ts';

/**
 * Extends the lease of the rows of `table` in `ids` that `owner` still holds to `now + leaseMs`;
 * returns how many it still held (rows completed, released or taken over meanwhile are left alone).
 */
export async function renewClaims(
  ctx: Ctx,
  table: 'inbox' | 'outbox',
  ids: number[],
  owner: string,
  leaseMs: number,
  now: string,
): Promise<number> {
  if (ids.length === 0) return 0;
  const until = isoPlus(iso(now), leaseMs);
  const result =
    table === 'inbox'
      ? await ctx.db
          .updateTable('inbox')
          .set({ lease_until: until })
          .where('id', 'in', ids)
          .where('lease_owner', '=', owner)
          .where('status', '=', 'pending')
          .executeTakeFirst()
      : await ctx.db
          .updateTable('outbox')
          .set({ lease_until: until })
          .where('id', 'in', ids)
          .where('lease_owner', '=', owner)
          .executeTakeFirst();
  return affected(result);
}
