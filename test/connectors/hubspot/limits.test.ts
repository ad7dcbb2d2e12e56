import { Client } from '@hubspot/api-client';
import { afterEach, describe, expect, it } from 'vitest';
import { CrmError } from '../../../src/platform/errors.ts';
import { FAST, harness, maxInWindow } from './harness.ts';

let h: ReturnType<typeof harness>;
afterEach(() => h.close());

describe('HubSpot limits and retries', () => {
  it('obeys a burst of 429s: no rolling window over the limit at the handlers, every update arrives', async () => {
    // 10 requests per second, through the same configuration path as production's 100 per 10 s.
    h = harness({ rateLimit: { limit: 10, windowMs: 1000 } });
    const ids = Array.from({ length: 1200 }, (_, i) => h.api.seed('contacts', { email: `p${i}@corp.example` }));
    const c = h.connector({
      limits: {
        account: { limit: 10, windowMs: 1000, marginMs: 100 },
        search: { limit: 5, windowMs: 1000, marginMs: 100 },
      },
    });
    // Another integration on the account takes the window: HubSpot answers 429 for a while.
    h.api.inject({ status: 429, count: 3 });
    const results = await c.write(
      ids.map((id) => ({
        key: `hubspot:contact:${id}`,
        object: 'contact',
        id,
        action: 'update',
        properties: { hs_lead_status: 'OPEN' },
        idempotencyKey: id,
      })),
    );
    expect(results.every((r) => r.status === 'ok')).toBe(true);
    expect(ids.every((id) => h.api.data.records.contacts.get(id)!.properties.hs_lead_status === 'OPEN')).toBe(true);
    const times = h.api.log.map((l) => l.at);
    expect(maxInWindow(times, 1000)).toBeLessThanOrEqual(10);
    expect(h.api.log.filter((l) => l.status === 429)).toHaveLength(3);
    expect(h.api.log.filter((l) => l.status === 200)).toHaveLength(12);
  });

  it('shares one limiter between two connectors on the same account', async () => {
    h = harness({ rateLimit: { limit: 10, windowMs: 1000 } });
    const ids = Array.from({ length: 2000 }, (_, i) => h.api.seed('contacts', { email: `p${i}@corp.example` }));
    const limits = { account: { limit: 10, windowMs: 1000, marginMs: 100 } };
    const a = h.connector({ limits, accountKey: 'portal-62515' });
    const b = h.connector({ limits, accountKey: 'portal-62515' });
    const refs = ids.map((id) => ({ crm: 'hubspot' as const, object: 'contact' as const, id }));
    await Promise.all([a.read(refs.slice(0, 1000)), b.read(refs.slice(1000))]);
    expect(h.api.log.length).toBeGreaterThan(20);
    expect(
      maxInWindow(
        h.api.log.map((l) => l.at),
        1000,
      ),
    ).toBeLessThanOrEqual(10);
    expect(h.api.log.every((l) => l.status !== 429)).toBe(true);
  });

  it('does not retry a refused token and pauses further calls', async () => {
    h = harness({ accessToken: 'the-right-token' });
    const id = h.api.seed('contacts', { email: 'ana@corp.example' });
    const c = h.connector({ accessToken: 'a-wrong-token', limits: FAST });
    const ref = [{ crm: 'hubspot' as const, object: 'contact' as const, id }];
    const err = await c.read(ref).catch((e) => e);
    expect(err).toBeInstanceOf(CrmError);
    expect(err.message).toContain('HUBSPOT_ACCESS_TOKEN');
    expect(err.retryable).toBe(false);
    await expect(c.read(ref)).rejects.toThrow(/401/);
    expect(h.api.log).toHaveLength(1);
  });

  it('keeps the SDK retry off even when another Client with retries is created later', async () => {
    h = harness();
    const id = h.api.seed('contacts', { email: 'ana@corp.example' });
    const c = h.connector({ limits: FAST, retries: 0 });
    new Client({ accessToken: 'other', numberOfApiCallRetries: 3, limiterOptions: { minTime: 1, maxConcurrent: 1 } });
    h.api.inject({ status: 500, count: 1 });
    await expect(c.read([{ crm: 'hubspot', object: 'contact', id }])).rejects.toThrow(/500/);
    expect(h.api.log).toHaveLength(1);
  });

  it('retries a 5xx under the one retry policy', async () => {
    h = harness();
    const id = h.api.seed('contacts', { email: 'ana@corp.example' });
    const c = h.connector({ limits: FAST });
    h.api.inject({ status: 502, count: 2 });
    const [rec] = await c.read([{ crm: 'hubspot', object: 'contact', id }]);
    expect(rec.properties.email).toBe('ana@corp.example');
    expect(h.api.log.slice(0, 3).map((l) => l.status)).toEqual([502, 502, 200]);
  });
});
