import { afterEach, beforeEach, expect, test } from 'vitest';
import type { Connector, WriteOp, WriteResult } from '../../../connectors/types.ts';
import type { PipelineContext } from '../../../src/pipeline/context.ts';
import { createMetrics } from '../../../src/pipeline/metrics.ts';
import { backoffMs, MAX_ATTEMPTS } from '../../../src/pipeline/failed-work.ts';
import { sendOutboxBatch } from '../../../src/pipeline/outbox/outbox-sender.ts';
import { logger } from '../../../src/platform/logger.ts';
import { makeTestStore, type TestStore } from '../../support/store.ts';

let ts: TestStore;
let sent: WriteOp[][];
let answer: (op: WriteOp) => WriteResult;
let now: Date;
let ctx: PipelineContext;

beforeEach(async () => {
  ts = await makeTestStore();
  sent = [];
  now = new Date('2026-11-20T10:00:00Z');
  const connector = {
    crm: 'hubspot',
    write: async (ops: WriteOp[]) => (sent.push(ops), ops.map(answer)),
  } as unknown as Connector;
  ctx = {
    store: ts.store,
    connectors: { hubspot: connector },
    config: () => null,
    now: () => now,
    instanceId: 't',
    metrics: createMetrics('t'),
    log: logger,
  };
});
afterEach(() => ts.cleanup());

const put = (key: string, props: Record<string, unknown>) =>
  ts.store.outboxPut({
    crm: 'hubspot',
    key,
    personId: null,
    payload: { object: 'contact', id: key.split(':')[2], action: 'update', properties: props },
    hash: JSON.stringify(props),
    idempotencyKey: key,
    notBefore: now.toISOString(),
  });

test('ten changes to one record are one write of the latest desired state, in one batch with the others', async () => {
  answer = (op) => ({ key: op.key, status: 'ok' });
  for (let i = 0; i < 10; i++) await put('hubspot:contact:1', { baton_stage: `s${i}` });
  await put('hubspot:contact:2', { baton_stage: 'x' });
  expect(await sendOutboxBatch(ctx, 'hubspot', async () => {})).toBe(2);
  expect(sent).toHaveLength(1);
  expect(sent[0].find((o) => o.key === 'hubspot:contact:1')!.properties).toEqual({ baton_stage: 's9' });
  expect(await ts.store.lastWrittenHash('hubspot:contact:1')).toBe(JSON.stringify({ baton_stage: 's9' }));
  expect(await ts.store.outboxPending()).toBe(0);
});

test('retry backs off by the hint; dead goes to the dead letters with the message; attempts run out', async () => {
  answer = (op) =>
    op.key.endsWith(':1')
      ? { key: op.key, status: 'retry', error: '429', retryAfterMs: 30_000 }
      : { key: op.key, status: 'dead', error: 'PROPERTY_DOESNT_EXIST' };
  await put('hubspot:contact:1', { a: 1 });
  await put('hubspot:contact:2', { a: 2 });
  await sendOutboxBatch(ctx, 'hubspot', async () => {});
  expect((await ts.store.listDeadLetters()).map((d) => [d.key, d.error])).toEqual([
    ['hubspot:contact:2', 'PROPERTY_DOESNT_EXIST'],
  ]);
  expect(await sendOutboxBatch(ctx, 'hubspot', async () => {})).toBe(0);
  for (let i = 1; i < MAX_ATTEMPTS; i++) {
    now = new Date(now.getTime() + 700_000);
    await sendOutboxBatch(ctx, 'hubspot', async () => {});
  }
  expect((await ts.store.listDeadLetters()).map((d) => d.key).sort()).toEqual([
    'hubspot:contact:1',
    'hubspot:contact:2',
  ]);
  expect(backoffMs(1)).toBe(1000);
  expect(backoffMs(3, 30_000)).toBe(30_000);
  expect(backoffMs(20)).toBe(600_000);
});

test('an unreadable stored payload is a dead letter naming the row and the field; the other rows are written', async () => {
  answer = (op) => ({ key: op.key, status: 'ok' });
  await put('hubspot:contact:1', { a: 1 });
  await ts.store.outboxPut({
    crm: 'hubspot',
    key: 'hubspot:contact:2',
    personId: null,
    payload: { object: 'contact', id: '2', action: 'remove', properties: 'a=1' },
    hash: 'bad',
    idempotencyKey: 'bad',
    notBefore: now.toISOString(),
  });
  expect(await sendOutboxBatch(ctx, 'hubspot', async () => {})).toBe(2);
  expect(sent.flat().map((o) => o.key)).toEqual(['hubspot:contact:1']);
  const [dead] = await ts.store.listDeadLetters();
  expect(dead.key).toBe('hubspot:contact:2');
  expect(dead.error).toMatch(/^outbox row \d+ \(hubspot:contact:2\) is not readable: /);
  expect(dead.error).toContain('payload.action: expected update, create or upsert, got "remove"');
  expect(dead.error).toContain('payload.properties: expected an object, got "a=1"');
  expect(await ts.store.outboxPending()).toBe(0);
});

test('a connector that throws leaves every row for a retry', async () => {
  ctx.connectors.hubspot!.write = async () => {
    throw new Error('socket hang up');
  };
  await put('hubspot:contact:1', { a: 1 });
  await sendOutboxBatch(ctx, 'hubspot', async () => {});
  expect(await ts.store.outboxPending()).toBe(1);
  expect(await ts.store.listDeadLetters()).toHaveLength(0);
});

test('a held write is never dead however long its problem stands; writes it does not concern go on; one probe a re-check, and the fix releases every held write', async () => {
  let fixed = false;
  const problem = {
    crm: 'hubspot' as const,
    kind: 'missing_field' as const,
    object: 'contact',
    fields: ['baton_stage'],
    message: 'HubSpot contact property baton_stage does not exist',
    fix: 'create it',
  };
  answer = (op) =>
    !fixed && 'baton_stage' in op.properties
      ? { key: op.key, status: 'held', error: problem.message, problem }
      : { key: op.key, status: 'ok' };
  for (let i = 1; i <= 150; i++) await put(`hubspot:contact:${i}`, { baton_stage: 'mql' });
  await put('hubspot:contact:999', { firstname: 'Ana' });
  while ((await sendOutboxBatch(ctx, 'hubspot', async () => {})) > 0);
  expect(await ts.store.outboxPending()).toBe(150);
  // standing: every held row waits without a call; a new write of its kind too, a write of another kind goes
  await put('hubspot:contact:151', { baton_stage: 'mql' });
  await put('hubspot:contact:998', { firstname: 'Bo' });
  sent = [];
  await sendOutboxBatch(ctx, 'hubspot', async () => {});
  expect(sent.map((ops) => ops.map((o) => o.key))).toEqual([['hubspot:contact:998']]);
  for (let round = 0; round < MAX_ATTEMPTS + 2; round++) {
    now = new Date(now.getTime() + 60_001);
    sent = [];
    while ((await sendOutboxBatch(ctx, 'hubspot', async () => {})) > 0);
    // the probe: at most 100 rows, once per re-check
    expect(sent.map((ops) => ops.length)).toEqual([100]);
  }
  expect(await ts.store.listDeadLetters()).toEqual([]);
  expect(ctx.problems!.list(now)).toMatchObject([{ object: 'contact', fields: ['baton_stage'], held: 151 }]);
  fixed = true;
  now = new Date(now.getTime() + 60_001);
  while ((await sendOutboxBatch(ctx, 'hubspot', async () => {})) > 0);
  expect(await ts.store.outboxPending()).toBe(0);
  expect(ctx.problems!.list(now)).toEqual([]);
});
