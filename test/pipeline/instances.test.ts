import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { PipelineContext } from '../../src/pipeline/context.ts';
import { startHeartbeat } from '../../src/pipeline/instances.ts';
import { createMetrics } from '../../src/pipeline/metrics.ts';
import { logger } from '../../src/platform/logger.ts';
import { makeTestStore, type TestStore } from '../support/store.ts';

describe('instance heartbeats', () => {
  let ts: TestStore;
  let clock = Date.parse('2026-01-01T00:00:00Z');
  const ctxFor = (instanceId: string): PipelineContext => ({
    store: ts.store,
    connectors: {},
    config: () => null,
    now: () => new Date(clock),
    instanceId,
    metrics: createMetrics(instanceId),
    log: logger,
  });
  beforeAll(async () => {
    ts = await makeTestStore();
  });
  afterAll(() => ts.cleanup());

  it('sees the other live instances, warns once without shared limits, and forgets a dead one', async () => {
    const warnings: string[] = [];
    const a = startHeartbeat(ctxFor('a'), { intervalMs: 60_000, sharedLimits: false, warn: (m) => warnings.push(m) });
    const b = startHeartbeat(ctxFor('b'), {
      intervalMs: 60_000,
      ttlMs: 10_000,
      sharedLimits: true,
      warn: (m) => warnings.push(`b: ${m}`),
    });
    await b.beat();
    expect(await a.beat()).toEqual(['b']);
    await a.beat();
    expect(warnings).toHaveLength(1);
    expect(warnings[0]).toMatch(/1 other Baton instance\(s\) share this store \(b\) but BATON_REDIS_URL is not set/);
    expect(await b.beat()).toEqual(['a']); // b shares its limits: no warning

    // b dies without a word: once its heartbeat expires, a is alone.
    clock += 10_001;
    expect(await a.beat()).toEqual([]);
    await a.stop();
    await b.stop();
  });

  it('warns when a second process uses the same instance id', async () => {
    const warnings: string[] = [];
    const one = startHeartbeat(ctxFor('same'), {
      intervalMs: 60_000,
      sharedLimits: true,
      warn: (m) => warnings.push(m),
    });
    await one.beat();
    const two = startHeartbeat(ctxFor('same'), {
      intervalMs: 60_000,
      sharedLimits: true,
      warn: (m) => warnings.push(m),
    });
    await two.beat();
    expect(warnings.some((w) => w.includes("another live process uses the instance id 'same'"))).toBe(true);
    await one.stop();
    await two.stop();
  });
});
