/**
 * What the Store contract suites (test/store/contract-*.test.ts) share: the clock, row builders
 * and a concurrent drain of the outbox.
 */
import { afterAll, beforeAll, beforeEach } from 'vitest';
import type { OutboxRow, Store, TransitionRow } from '../../src/store/index.ts';
import type { TestStore } from '../support/store.ts';

export const T0 = '2026-03-02T09:00:00.000Z';
export const at = (ms: number) => new Date(Date.parse(T0) + ms).toISOString();

export function transition(personId: number, to: TransitionRow['to'], atIso: string): Omit<TransitionRow, 'id'> {
  return {
    personId,
    from: null,
    to,
    at: atIso,
    cause: 'test',
    version: 1,
    scores: { fit: 10, engagement: 2.5 },
    passed: [to],
    breached: false,
    reason: null,
    meta: { k: 'v' },
  };
}

export function put(key: string, n: number, extra: Partial<Parameters<Store['outboxPut']>[0]> = {}) {
  return {
    crm: 'hubspot' as const,
    key,
    personId: null,
    payload: { n },
    hash: `h${n}`,
    idempotencyKey: `${key}:${n}`,
    ...extra,
  };
}

/** Two claimers in parallel loops until the outbox is drained; returns what each got. */
export async function drainConcurrently(a: Store, b: Store, batch: number): Promise<number[][]> {
  const loop = async (s: Store, owner: string) => {
    const got: number[] = [];
    for (;;) {
      const rows: OutboxRow[] = await s.outboxClaim('hubspot', owner, batch, 60_000, T0);
      if (rows.length === 0) return got;
      got.push(...rows.map((r) => r.id));
      for (const r of rows) await s.outboxComplete(r.id, r.hash);
    }
  };
  return Promise.all([loop(a, 'a'), loop(b, 'b')]);
}

/** Opens one store for a suite, reset before each test and cleaned up after; `onOpen` receives it. */
export function openForSuite(make: () => Promise<TestStore>, onOpen: (t: TestStore) => void): void {
  let t: TestStore;
  beforeAll(async () => {
    t = await make();
    onOpen(t);
  });
  beforeEach(async () => {
    await t.reset();
  });
  afterAll(async () => {
    await t.cleanup();
  });
}
