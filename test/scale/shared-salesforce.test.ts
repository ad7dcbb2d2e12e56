/**
 * The Salesforce connector's limits across instances: two connectors (two Baton instances) on one
 * org and one Redis pause together at the same share of the daily allocation, and cap their
 * concurrent calls together.
 */
import { randomUUID } from 'node:crypto';
import { createClient } from 'redis';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { CrmError } from '../../src/platform/errors.ts';
import { redisLimits } from '../../src/platform/shared-limiter.ts';
import { connectorFor, freshOrg, useFakeSalesforce } from '../connectors/salesforce/helpers.ts';

useFakeSalesforce();
const url = process.env.BATON_TEST_REDIS_URL ?? 'redis://127.0.0.1:6379';

describe('Salesforce limits shared through Redis', () => {
  const redis = createClient({ url });
  beforeAll(() => redis.connect());
  afterAll(() => redis.quit());

  it('an instance pauses on the usage another instance saw, before sending anything', async () => {
    const api = freshOrg({ dailyLimit: 1000, used: 300 });
    const lead = api.org.insert('Lead', { LastName: 'A', Company: 'Acme' });
    const backend = redisLimits(redis, { prefix: `test-${randomUUID()}:` });
    const limits = { dailyBudgetShare: 0.4, budgetPauseMs: 60_000 };
    const one = connectorFor(api, { limits, limitsBackend: backend });
    const two = connectorFor(api, { limits, limitsBackend: backend });
    await one.start();
    await two.start();
    expect(two.apiUsage()!.used).toBeLessThan(400);

    // Other integrations use the org's allocation; instance one hears of it on its next call.
    api.used = 420;
    await one.read([{ crm: 'salesforce', object: 'Lead', id: lead.Id }]).catch(() => undefined);
    await new Promise((r) => setTimeout(r, 1100)); // instance two reads the shared usage at most once a second
    const before = api.log.length;
    const err = await two.read([{ crm: 'salesforce', object: 'Lead', id: lead.Id }]).catch((e: unknown) => e);
    expect(err).toBeInstanceOf(CrmError);
    expect(err).toMatchObject({ code: 'salesforce_budget_paused' });
    expect(api.log.length).toBe(before);
    await one.stop();
    await two.stop();
  });

  it('caps concurrent calls of all instances together', async () => {
    const api = freshOrg();
    const ids = Array.from({ length: 6 }, (_, i) => api.org.insert('Lead', { LastName: `L${i}`, Company: 'Acme' }).Id);
    const backend = redisLimits(redis, { prefix: `test-${randomUUID()}:` });
    const limits = { maxConcurrent: 2 };
    const instances = [
      connectorFor(api, { limits, limitsBackend: backend }),
      connectorFor(api, { limits, limitsBackend: backend }),
    ];
    for (const c of instances) await c.start();
    let running = 0;
    let peak = 0;
    const original = api.handle.bind(api);
    const slow = {
      handle: async (req: Parameters<typeof api.handle>[0]) => {
        running++;
        peak = Math.max(peak, running);
        await new Promise((r) => setTimeout(r, 30));
        try {
          return await original(req);
        } finally {
          running--;
        }
      },
    };
    // The fake answers synchronously; msw awaits whatever the handler returns.
    (api as unknown as { handle: typeof slow.handle }).handle = slow.handle;
    try {
      await Promise.all(
        ids.flatMap((id, i) => [
          instances[i % 2].read([{ crm: 'salesforce', object: 'Lead', id }]),
          instances[(i + 1) % 2].read([{ crm: 'salesforce', object: 'Lead', id }]),
        ]),
      );
    } finally {
      (api as { handle: typeof api.handle }).handle = original;
    }
    expect(peak).toBe(2);
    for (const c of instances) await c.stop();
  });
});
