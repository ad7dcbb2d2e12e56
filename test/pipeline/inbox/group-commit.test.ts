/** Group commit of the intake: concurrent deliveries share transactions, each answered after its commit, failures alone. */
import type { Kysely } from 'kysely';
import { describe, expect, test } from 'vitest';
import type { InboxItem } from '../../../connectors/types.ts';
import { GroupCommit } from '../../../src/pipeline/inbox/group-commit.ts';
import { openStore } from '../../../src/store/index.ts';
import type { DB } from '../../../src/store/db.ts';
import { bothBackends } from '../../support/store.ts';

const item = (key: string): InboxItem => ({
  source: 'api',
  dedupKey: key,
  receivedAt: '2026-11-20T00:00:00.000Z',
  body: {
    kind: 'event',
    event: { id: key, email: 'a@b.example', type: 'page_view', at: '2026-11-20T00:00:00Z', properties: {} },
  },
});
/** An item the database itself refuses (NOT NULL on the dedup key): a store fault of one delivery. */
const refused = (): InboxItem => ({ ...item('x'), dedupKey: null as unknown as string });

describe.each(bothBackends)('group commit on $name', ({ make }) => {
  test('concurrent deliveries share transactions; each is answered only once another connection sees its rows', async () => {
    const t = await make();
    const other = await openStore(t.url);
    try {
      const seen = async (key: string) => {
        const db = (other as unknown as { db: Kysely<DB> }).db;
        return (await db.selectFrom('inbox').select('id').where('dedup_key', '=', key).execute()).length;
      };
      const g = new GroupCommit(t.store);
      const keys = Array.from({ length: 40 }, (_, i) => `k${i}`);
      const visibleAtAnswer = await Promise.all(
        keys.map((k) =>
          g
            .ingest([item(k), item(`${k}-b`)])
            .then(async (r) => ({ r, rows: (await seen(k)) + (await seen(`${k}-b`)) })),
        ),
      );
      for (const v of visibleAtAnswer) expect(v).toEqual({ r: { stored: 2, duplicates: 0, echoes: 0 }, rows: 2 });
      expect(g.stats.deliveries).toBe(40);
      expect(g.stats.groups).toBeLessThan(40);
    } finally {
      await other.close();
      await t.cleanup();
    }
  });

  test('a delivery the store refuses fails alone, all of its items undone; its neighbours in the group commit', async () => {
    const t = await make();
    try {
      const g = new GroupCommit(t.store);
      const outcomes = await Promise.allSettled([
        g.ingest([item('a')]),
        g.ingest([item('b1'), refused()]),
        g.ingest([item('c')]),
      ]);
      expect(g.stats.groups).toBe(1);
      expect(outcomes.map((o) => o.status)).toEqual(['fulfilled', 'rejected', 'fulfilled']);
      const claimed = await t.store.inboxClaim('w', 10, 60_000, new Date().toISOString());
      expect(claimed.map((r) => r.dedupKey).sort()).toEqual(['a', 'c']);
    } finally {
      await t.cleanup();
    }
  });

  test('duplicates within one group, and of stored rows, are answered as duplicates and stored once', async () => {
    const t = await make();
    try {
      const g = new GroupCommit(t.store);
      await g.ingest([item('old')]);
      const results = await Promise.all([
        g.ingest([item('d'), item('old')]),
        g.ingest([item('d')]),
        g.ingest([item('d'), item('e')]),
      ]);
      expect(results).toEqual([
        { stored: 1, duplicates: 1, echoes: 0 },
        { stored: 0, duplicates: 1, echoes: 0 },
        { stored: 1, duplicates: 1, echoes: 0 },
      ]);
      expect(g.stats.groups).toBe(2);
      expect((await t.store.inboxStats(new Date().toISOString())).pending).toBe(3);
    } finally {
      await t.cleanup();
    }
  });

  test('a transaction that cannot commit refuses every delivery of its group', async () => {
    const t = await make();
    try {
      const broken = {
        transaction: async () => {
          throw new Error('disk full');
        },
      } as unknown as typeof t.store;
      const g = new GroupCommit(broken);
      const outcomes = await Promise.allSettled([g.ingest([item('a')]), g.ingest([item('b')])]);
      expect(outcomes.map((o) => o.status)).toEqual(['rejected', 'rejected']);
      // the next group is written as usual
      await expect(new GroupCommit(t.store).ingest([item('a')])).resolves.toEqual({
        stored: 1,
        duplicates: 0,
        echoes: 0,
      });
    } finally {
      await t.cleanup();
    }
  });
});
