/** inTransactions: many items to a store transaction, each under its savepoint. */
import { afterEach, beforeEach, expect, test } from 'vitest';
import { inTransactions } from '../../src/pipeline/batches.ts';
import type { PipelineContext } from '../../src/pipeline/context.ts';
import { createMetrics } from '../../src/pipeline/metrics.ts';
import { logger } from '../../src/platform/logger.ts';
import { makeTestStore, type TestStore } from '../support/store.ts';

let ts: TestStore;
let ctx: PipelineContext;
let woken: number;
beforeEach(async () => {
  ts = await makeTestStore();
  woken = 0;
  ctx = {
    store: ts.store,
    connectors: {},
    config: () => null,
    now: () => new Date(),
    instanceId: 't',
    metrics: createMetrics('t'),
    log: logger,
    queued: () => void woken++,
  };
});
afterEach(() => ts.cleanup());

test('an item that fails under its own savepoint is undone alone; the others of its batch commit', async () => {
  const failed: number[] = [];
  await inTransactions(
    ctx,
    [1, 2, 3, 4, 5],
    async (tx, n) => {
      try {
        await tx.store.transaction(async (inner) => {
          await inner.setValue(`item:${n}`, n);
          if (n === 3) throw new Error('bad item');
        });
      } catch {
        failed.push(n);
      }
    },
    () => expect.fail('no batch fails as a whole'),
    2,
  );
  expect(failed).toEqual([3]);
  expect(await Promise.all([1, 2, 3, 4, 5].map((n) => ts.store.getValue(`item:${n}`)))).toEqual([
    1,
    2,
    undefined,
    4,
    5,
  ]);
  expect(woken).toBe(3); // after each of the three commits
});

test('a batch that fails as a whole is rolled back and reported once; the next batch goes on', async () => {
  const reported: number[][] = [];
  await inTransactions(
    ctx,
    [1, 2, 3, 4],
    async (tx, n) => {
      await tx.store.setValue(`item:${n}`, n);
      if (n === 2) throw new Error('store trouble');
    },
    (batch) => reported.push(batch),
    2,
    async (tx) => tx.store.setValue('ended', (((await tx.store.getValue('ended')) as number | undefined) ?? 0) + 1),
  );
  expect(reported).toEqual([[1, 2]]);
  expect(await Promise.all([1, 2, 3, 4].map((n) => ts.store.getValue(`item:${n}`)))).toEqual([
    undefined,
    undefined,
    3,
    4,
  ]);
  expect(await ts.store.getValue('ended')).toBe(1); // the end step ran in the batch that committed only
});
