import { afterEach, describe, expect, it } from 'vitest';
import { parse } from 'yaml';
import type { Connector } from '../../../connectors/types.ts';
import { routingSchema } from '../../../src/config/routing-schema.ts';
import type { PipelineContext } from '../../../src/pipeline/context.ts';
import { createMetrics } from '../../../src/pipeline/metrics.ts';
import { needsRouting, routeHandoff } from '../../../src/pipeline/routing/route-handoff.ts';
import { enableRouting } from '../../../src/pipeline/routing/routing-setup.ts';
import type { DirectoryUser, RoutingDirectory } from '../../../src/pipeline/routing/routing-runtime.ts';
import { placementOf, setRouting, storedRouting, toStored } from '../../../src/pipeline/routing/stored-routing.ts';
import { logger } from '../../../src/platform/logger.ts';
import { getKv, kv } from '../../../src/store/keys.ts';
import type { PersonRow } from '../../../src/store/types.ts';
import { makeTestStore, type TestStore } from '../../support/store.ts';

const TEXT = `fallback: { round_robin: [a@x.example, b@x.example] }\n`;
const users = new Map<string, DirectoryUser>([
  ['a@x.example', { id: '005A', name: 'A', email: 'a@x.example', isActive: true }],
  ['b@x.example', { id: '005B', name: 'B', email: 'b@x.example', isActive: true }],
]);
const directory: RoutingDirectory = {
  usersByEmailOrUsername: async () => users,
  usersById: async () => new Map(),
  findAccounts: async () => [],
};

let ts: TestStore | null = null;
afterEach(async () => {
  await ts?.cleanup();
  ts = null;
});

async function routedContext(): Promise<PipelineContext> {
  ts = await makeTestStore();
  const routing = routingSchema.parse(parse(TEXT));
  const ctx: PipelineContext = {
    store: ts.store,
    connectors: { salesforce: {} as Connector },
    // no live configuration: routing stays as enabled (a routing.yaml change would rebuild it)
    config: () => null,
    now: () => new Date('2026-03-02T10:00:00Z'),
    instanceId: 't',
    metrics: createMetrics('t'),
    log: logger,
  };
  expect(await enableRouting(ctx, directory, { routing, text: TEXT })).toEqual([]);
  return ctx;
}

const at = '2026-03-02T10:00:00.000Z';

describe('stored routing', () => {
  it('stores a decision on the person and gives the create its placement', () => {
    const p = { ownerId: null, fieldSources: { $meta: { converted: false } } } as Partial<PersonRow> as PersonRow;
    const stored = toStored(
      {
        rule: 'account',
        reason: 'account Corp: owner O',
        user: { id: '005O', name: 'O', email: 'o@x.example', active: true },
        createAs: 'Contact',
        accountId: '001C',
      },
      at,
    );
    setRouting(p, stored);
    expect(p.ownerId).toBe('005O');
    expect(p.fieldSources.$meta).toMatchObject({ converted: false, routing: { rule: 'account', user: 'o@x.example' } });
    expect(placementOf(storedRouting(p)!)).toEqual({ ownerId: '005O', object: 'Contact', accountId: '001C' });
    // the org's assignment rule decides: no owner in the placement
    const { accountId: _a, ...noAccount } = stored;
    expect(placementOf({ ...noAccount, ownerId: null, createAs: 'Lead' })).toEqual({ object: 'Lead' });
  });
});

describe('routing at handoff, in the person transaction', () => {
  it('routes each person once, with the rotation advanced in the same transaction', async () => {
    const ctx = await routedContext();
    const store = ctx.store;
    const p1 = await store.createPerson({ email: 'one@corp.example' });
    const p2 = await store.createPerson({ email: 'two@corp.example' });
    expect(needsRouting(ctx, p1, true)).toBe(true);
    expect(needsRouting(ctx, p1, false)).toBe(false);
    expect(needsRouting({ ...ctx, routing: undefined }, p1, true)).toBe(false);

    const first = await store.transaction(async (tx) => {
      const p = (await tx.getPerson(p1.id))!;
      const r = await routeHandoff(ctx, tx, p, [], at);
      expect(await tx.savePerson(p)).toBe(true);
      return r;
    });
    expect(first).toMatchObject({ ownerId: '005A', createAs: 'Lead' });
    const stored1 = (await store.getPerson(p1.id))!;
    expect(stored1.ownerId).toBe('005A');
    expect(needsRouting(ctx, stored1, true)).toBe(false);

    // a transaction that rolls back (a stale save, a failed write) takes the rotation's advance with it
    const before = await getKv(store, kv.rotation('fallback'));
    await expect(
      store.transaction(async (tx) => {
        const p = (await tx.getPerson(p2.id))!;
        await routeHandoff(ctx, tx, p, [], at);
        throw new Error('rolled back');
      }),
    ).rejects.toThrow('rolled back');
    expect(await getKv(store, kv.rotation('fallback'))).toEqual(before);
    expect(storedRouting((await store.getPerson(p2.id))!)).toBeNull();

    await store.transaction(async (tx) => {
      const p = (await tx.getPerson(p2.id))!;
      await routeHandoff(ctx, tx, p, [], at);
      expect(await tx.savePerson(p)).toBe(true);
    });
    const stored2 = (await store.getPerson(p2.id))!;
    expect(stored2.ownerId).toBe('005B');
    expect(storedRouting(stored2)).toMatchObject({
      rule: 'fallback',
      user: 'b@x.example',
      reason: 'fallback, round robin: B (1 of 2)',
    });
    // the lease was given up with the transaction
    expect(await store.acquireLease('routing', 'other', 1000, new Date().toISOString())).toBe(true);
  });
});
