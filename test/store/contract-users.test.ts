/** The Store contract for named users, their sessions and approvals bound to a text's hash, on SQLite and PostgreSQL. */
import { describe, expect, it } from 'vitest';
import type { ApprovalRow, Store } from '../../src/store/types.ts';
import { bothBackends } from '../support/store.ts';
import { openForSuite } from './contract-support.ts';

describe.each(bothBackends)('Store contract (users, approvals) on $name', ({ make }) => {
  let s: Store;
  openForSuite(make, (opened) => {
    s = opened.store;
  });

  const user = (email: string, role: 'marketing' | 'sales' | 'viewer', tokenHash: string) => ({
    name: email.split('@')[0],
    email,
    role,
    tokenHash,
    createdAt: '2026-12-01T00:00:00.000Z',
  });

  it('adds users with a unique email, finds them by token hash and removes them with their sessions', async () => {
    const dana = await s.createUser(user('dana@acme.example', 'marketing', 'th-dana'));
    expect(dana).toMatchObject({ name: 'dana', email: 'dana@acme.example', role: 'marketing' });
    expect(dana).not.toHaveProperty('tokenHash');
    await expect(s.createUser(user('dana@acme.example', 'sales', 'th-other'))).rejects.toMatchObject({
      code: 'conflict',
    });
    await s.createUser(user('raj@acme.example', 'sales', 'th-raj'));
    expect((await s.listUsers()).map((u) => u.email)).toEqual(['dana@acme.example', 'raj@acme.example']);
    expect(await s.userByTokenHash('th-dana')).toEqual(dana);
    expect(await s.userByTokenHash('nope')).toBeNull();

    const session = (idHash: string, tokenHash: string, userId: number | null) => ({
      idHash,
      tokenHash,
      createdAt: '2026-12-01T00:00:00.000Z',
      seenAt: '2026-12-01T00:00:00.000Z',
      expiresAt: '2026-12-08T00:00:00.000Z',
      userId,
    });
    await s.createSession(session('s-dana', 'th-dana', dana.id));
    await s.createSession(session('s-api', 'th-api', null));
    expect((await s.getSession('s-dana'))?.userId).toBe(dana.id);
    const prune = () =>
      s.pruneSessions({ now: '2026-12-01T01:00:00.000Z', idleBefore: '2026-11-30T00:00:00.000Z', tokenHash: 'th-api' });
    // a user's session is not one of "another token": it stays while the user and their token do
    expect(await prune()).toBe(0);
    expect(await s.removeUser('dana@acme.example')).toBe(true);
    expect(await s.removeUser('dana@acme.example')).toBe(false);
    expect(await s.getSession('s-dana')).toBeNull();
    expect(await s.getSession('s-api')).not.toBeNull();
    // a session whose user is gone (or whose token is no longer theirs) is pruned
    await s.createSession(session('s-stale', 'th-old', 999));
    expect(await prune()).toBe(1);
  });

  it('records one approval per hash and side, and reads them by hash', async () => {
    const approval = (hash: string, side: 'marketing' | 'sales', name: string): ApprovalRow => ({
      hash,
      side,
      version: 8,
      name,
      email: `${name}@acme.example`,
      userId: null,
      via: 'file',
      approvedOn: '2026-11-30',
      at: '2026-12-01T00:00:00.000Z',
    });
    expect(await s.recordApproval(approval('h8', 'marketing', 'dana'))).toBe(true);
    expect(await s.recordApproval(approval('h8', 'marketing', 'eve'))).toBe(false);
    expect(await s.recordApproval(approval('h8', 'sales', 'raj'))).toBe(true);
    expect(await s.recordApproval(approval('h8b', 'sales', 'raj'))).toBe(true);
    expect(await s.approvalsOf('h8')).toEqual([approval('h8', 'marketing', 'dana'), approval('h8', 'sales', 'raj')]);
    expect(await s.approvalsOf('none')).toEqual([]);
  });
});
