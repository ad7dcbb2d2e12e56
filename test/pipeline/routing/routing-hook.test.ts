import { afterEach, describe, expect, it } from 'vitest';
import { parse } from 'yaml';
import type { WriteOp } from '../../../connectors/types.ts';
import { routingSchema } from '../../../src/config/routing-schema.ts';
import { createRouteHook, storedRouting } from '../../../src/pipeline/routing/routing-hook.ts';
import { createRoutingRuntime, type DirectoryUser } from '../../../src/pipeline/routing/routing-runtime.ts';
import { compileRouting } from '../../../src/routing/policy.ts';
import { makeTestStore, type TestStore } from '../../support/store.ts';

const TEXT = `fallback: { round_robin: [a@x.example, b@x.example] }\n`;
const users = new Map<string, DirectoryUser>([
  ['a@x.example', { id: '005A', name: 'A', email: 'a@x.example', isActive: true }],
  ['b@x.example', { id: '005B', name: 'B', email: 'b@x.example', isActive: true }],
]);

let ts: TestStore | null = null;
afterEach(async () => {
  await ts?.cleanup();
  ts = null;
});

describe('route hook', () => {
  it('routes a person once: a retried create is placed as the first attempt was', async () => {
    ts = await makeTestStore();
    const store = ts.store;
    const runtime = createRoutingRuntime({
      store,
      instanceId: 't',
      timeZone: null,
      routing: compileRouting(routingSchema.parse(parse(TEXT)), TEXT),
      directory: {
        usersByEmailOrUsername: async () => users,
        usersById: async () => new Map(),
        findAccounts: async () => [],
      },
    });
    await runtime.start();
    const hook = createRouteHook(store, runtime);
    const p1 = await store.createPerson({ email: 'one@corp.example' });
    const p2 = await store.createPerson({ email: 'two@corp.example' });
    const op = (id: number): WriteOp => ({
      key: `salesforce:person:${id}`,
      object: 'Lead',
      action: 'create',
      properties: {},
      idempotencyKey: `person-${id}:lead-create`,
    });
    const first = await hook([op(p1.id)]);
    expect(first.get(`salesforce:person:${p1.id}`)).toEqual({ ownerId: '005A', object: 'Lead' });
    const again = await hook([op(p1.id), op(p2.id)]);
    expect(again.get(`salesforce:person:${p1.id}`)).toEqual({ ownerId: '005A', object: 'Lead' });
    expect(again.get(`salesforce:person:${p2.id}`)).toEqual({ ownerId: '005B', object: 'Lead' });
    const stored = (await store.getPerson(p2.id))!;
    expect(stored.ownerId).toBe('005B');
    expect(storedRouting(stored)).toMatchObject({
      rule: 'fallback',
      user: 'b@x.example',
      reason: 'fallback, round robin: B (1 of 2)',
    });
  });
});
