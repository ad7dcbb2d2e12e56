/** An inbox item that fails every time ends as a dead letter by the one give-up rule; `baton dlq` lists, replays and drops it. */
import { afterAll, beforeAll, beforeEach, describe, expect, test } from 'vitest';
import type { Connector, CrmRecord, RecordRef } from '../../../connectors/types.ts';
import { dlq } from '../../../src/cli/dlq.ts';
import type { LiveConfig, PipelineContext } from '../../../src/pipeline/context.ts';
import { MAX_ATTEMPTS } from '../../../src/pipeline/failed-work.ts';
import { createMetrics } from '../../../src/pipeline/metrics.ts';
import { processInboxBatch } from '../../../src/pipeline/person/inbox-worker.ts';
import { logger } from '../../../src/platform/logger.ts';
import { bothBackends, type TestStore } from '../../support/store.ts';

describe.each(bothBackends)('inbox dead letters on $name', ({ make }) => {
  let ts: TestStore;
  let now: Date;
  let reads: RecordRef[][];
  let failing: boolean;
  let ctx: PipelineContext;
  beforeAll(async () => {
    ts = await make();
  });
  afterAll(() => ts.cleanup());
  beforeEach(async () => {
    await ts.reset();
    now = new Date('2026-11-20T10:00:00Z');
    reads = [];
    failing = true;
    const hubspot: Connector = {
      crm: 'hubspot',
      start: async () => [],
      read: async (refs: RecordRef[]): Promise<CrmRecord[]> => {
        reads.push(refs);
        if (failing) throw new Error('HubSpot 503 Service Unavailable');
        return [];
      },
      poll: async () => ({ records: [], cursor: null, more: false }),
      backfill: async function* () {},
      write: async () => [],
      stop: async () => {},
    };
    // Hydration fails before any configuration is used; the worker only needs one to be live.
    ctx = {
      store: ts.store,
      connectors: { hubspot },
      config: () => ({}) as LiveConfig,
      now: () => now,
      instanceId: 't',
      metrics: createMetrics('t'),
      log: logger,
    };
  });

  const insert = () =>
    ts.store.inboxInsert({
      source: 'hubspot',
      dedupKey: 'evt-1',
      body: { kind: 'change', ref: { crm: 'hubspot', object: 'contact', id: '101' } },
      receivedAt: now.toISOString(),
    });
  const run = async (args: string[]) => {
    const out: string[] = [];
    const code = await dlq(
      ts.store,
      args,
      (s) => out.push(s),
      (s) => out.push(s),
    );
    return { code, out: out.join('\n') };
  };
  /** Works the inbox until it is empty of due items, a backoff's worth of time apart. */
  const workUntilSettled = async () => {
    for (let i = 0; i < MAX_ATTEMPTS + 2; i++) {
      await processInboxBatch(ctx);
      now = new Date(now.getTime() + 700_000);
    }
  };

  test('failing every time, it becomes a dead letter after MAX_ATTEMPTS with its reason; replayed, it is processed once the cause is gone', async () => {
    const { id } = await insert();
    await workUntilSettled();
    expect(reads).toHaveLength(MAX_ATTEMPTS);
    expect(await ts.store.inboxStats(now.toISOString())).toMatchObject({ pending: 0 });
    const dead = await ts.store.inboxDeadLetters();
    expect(dead).toMatchObject([
      { id, source: 'hubspot', dedupKey: 'evt-1', attempts: MAX_ATTEMPTS, error: 'HubSpot 503 Service Unavailable' },
    ]);
    // a redelivery of it is still a duplicate
    expect((await insert()).duplicate).toBe(true);

    const listed = await run(['list']);
    expect(listed.code).toBe(0);
    expect(listed.out).toMatch(
      new RegExp(`^inbox:${id}\\s+inbox\\s+hubspot\\s+evt-1\\s+${MAX_ATTEMPTS}\\s+.*HubSpot 503`, 'm'),
    );

    failing = false;
    expect(await run(['retry', `inbox:${id}`])).toEqual({
      code: 0,
      out: `dead letter inbox:${id} is back in the inbox`,
    });
    expect(await ts.store.inboxDeadLetters()).toEqual([]);
    // `baton dlq` makes it due at the wall clock's now
    now = new Date(Math.max(now.getTime(), Date.now()) + 1000);
    reads = [];
    await processInboxBatch(ctx);
    expect(reads).toEqual([[{ crm: 'hubspot', object: 'contact', id: '101' }]]);
    expect(await ts.store.inboxStats(now.toISOString())).toEqual({ pending: 0, oldestMs: 0 });
    expect(await ts.store.inboxDeadLetters()).toEqual([]);
    expect((await run(['list'])).out).toBe('no dead letters');
  });

  test('a dropped inbox dead letter is gone from the list, never processed, and still a duplicate', async () => {
    const { id } = await insert();
    await workUntilSettled();
    expect(await run(['drop', `inbox:${id}`])).toEqual({ code: 0, out: `dead letter inbox:${id} dropped` });
    expect(await ts.store.inboxDeadLetters()).toEqual([]);
    expect((await run(['drop', `inbox:${id}`])).code).toBe(1);
    reads = [];
    await processInboxBatch(ctx);
    expect(reads).toEqual([]);
    expect((await insert()).duplicate).toBe(true);
  });
});
