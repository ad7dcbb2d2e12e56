/** Named users: a name, an email, a role and the hash of their token (the token itself is never stored). */
import type { Ctx } from './db.ts';
import type { UserRole, UserRow } from './types.ts';
import { iso } from './dialect.ts';
import { ConflictError } from '../platform/errors.ts';

function toUser(r: { id: number; name: string; email: string; role: string; created_at: string }): UserRow {
  return { id: Number(r.id), name: r.name, email: r.email, role: r.role as UserRole, createdAt: r.created_at };
}

export async function createUser(ctx: Ctx, row: Omit<UserRow, 'id'> & { tokenHash: string }): Promise<UserRow> {
  const r = await ctx.db
    .insertInto('users')
    .values({
      name: row.name,
      email: row.email,
      role: row.role,
      token_hash: row.tokenHash,
      created_at: iso(row.createdAt),
    })
    .onConflict((oc) => oc.column('email').doNothing())
    .returningAll()
    .executeTakeFirst();
  if (!r) throw new ConflictError(`a user with the email ${row.email} exists already (remove it first)`);
  return toUser(r);
}

export async function listUsers(ctx: Ctx): Promise<UserRow[]> {
  return (await ctx.db.selectFrom('users').selectAll().orderBy('id').execute()).map(toUser);
}

export async function userByTokenHash(ctx: Ctx, tokenHash: string): Promise<UserRow | null> {
  const r = await ctx.db.selectFrom('users').selectAll().where('token_hash', '=', tokenHash).executeTakeFirst();
  return r ? toUser(r) : null;
}

/** Deletes the user and their sessions (run inside one transaction by the store). */
export async function removeUser(ctx: Ctx, email: string): Promise<boolean> {
  const r = await ctx.db.deleteFrom('users').where('email', '=', email).returning('id').executeTakeFirst();
  if (!r) return false;
  await ctx.db.deleteFrom('sessions').where('user_id', '=', Number(r.id)).execute();
  return true;
}
