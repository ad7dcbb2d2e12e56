import { afterAll, beforeAll, expect, it } from 'vitest';
import type { PipelineContext } from '../../src/pipeline/context.ts';
import { keepClaimed } from '../../src/pipeline/keep-claimed.ts';
import { createMetrics } from '../../src/pipeline/metrics.ts';
import { logger } from '../../src/platform/logger.ts';
import { makeTestStore, type TestStore } from '../support/store.ts';

let ts: TestStore;
beforeAll(async () => {
  ts = await makeTestStore();
});
afterAll(() => ts.cleanup());

it('a busy worker keeps its claimed rows past the lease; once it stops, they expire and are taken over', async () => {
  const ctx = {
    store: ts.store,
    connectors: {},
    config: () => null,
    now: () => new Date(),
    instanceId: 'busy',
    metrics: createMetrics('busy'),
    log: logger,
  } as PipelineContext;
  await ts.store.inboxInsert({ source: 'api', dedupKey: 'slow', body: {}, receivedAt: new Date().toISOString() });
  const rows = await ts.store.inboxClaim('busy', 10, 300, new Date().toISOString());
  const stop = keepClaimed(
    ctx,
    'inbox',
    rows.map((r) => r.id),
    300,
  );
  await new Promise((r) => setTimeout(r, 700));
  expect(await ts.store.inboxClaim('other', 10, 300, new Date().toISOString())).toEqual([]);
  stop();
  await new Promise((r) => setTimeout(r, 400));
  expect(await ts.store.inboxClaim('other', 10, 300, new Date().toISOString())).toHaveLength(1);
});
