/**
 * The go-live re-score as a durable job, on both stores: its job in `kv.rescore` and cursor in `kv.rescoreWalk`, its walk under
 * a named lease (a second instance waits, then goes on from the cursor when the first one's lease
 * lapses), a line in the logs per tenth, a newer version restarting it, an instance on other
 * files (older, or not reloaded yet) neither starting one nor running one, and a pause while the
 * outbox is full.
 */
import { cp, mkdtemp, readFile, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import winston from 'winston';
import { afterAll, afterEach, beforeAll, beforeEach, describe, expect, test } from 'vitest';
import type { PipelineContext } from '../../../src/pipeline/context.ts';
import { liveConfig, type LiveConfigSource } from '../../../src/pipeline/live-config.ts';
import { createMetrics } from '../../../src/pipeline/metrics.ts';
import {
  RESCORE_MAX_PENDING,
  RESCORE_PAGE,
  onWentLive,
  rescoreProgress,
  rescoreStep,
} from '../../../src/pipeline/person/rescore.ts';
import type { Connector } from '../../../connectors/types.ts';
import { getKv, kv } from '../../../src/store/keys.ts';
import { bothBackends, type TestStore } from '../../support/store.ts';
import { Sink } from '../../support/sink.ts';

const MAPPINGS = join(import.meta.dirname, '..', '..', '..', 'mappings');
const PEOPLE = 2 * RESCORE_PAGE + 100;
const LEASE_MS = 10_000;

describe.each(bothBackends)('the go-live re-score on $name', ({ make }) => {
  let ts: TestStore;
  let dir: string;
  let now: Date;
  let sink: Sink;
  let config: LiveConfigSource;
  const ctxOf = (instanceId: string, source: LiveConfigSource): PipelineContext => {
    const log = winston.createLogger({
      level: 'info',
      format: winston.format.json(),
      transports: [new winston.transports.Stream({ stream: sink })],
    });
    return {
      store: ts.store,
      connectors: {},
      config: () => source.current(),
      now: () => now,
      instanceId,
      metrics: createMetrics(instanceId),
      log,
    };
  };
  const edit = async (version: number, points: number) => {
    const file = join(dir, 'agreement.yaml');
    const text = await readFile(file, 'utf8');
    await writeFile(
      file,
      text
        .replace(/^version: \d+/m, `version: ${version}`)
        .replace(/(id: senior-title\n.*\n\s+add: )\d+/, `$1${points}`),
    );
  };

  beforeAll(async () => {
    ts = await make();
  });
  afterAll(() => ts.cleanup());
  beforeEach(async () => {
    await ts.reset();
    now = new Date('2026-11-20T10:00:00Z');
    sink = new Sink();
    dir = await mkdtemp(join(tmpdir(), 'baton-rescore-'));
    await cp(MAPPINGS, dir, { recursive: true });
    config = liveConfig(dir, ts.store, winston.createLogger({ silent: true }), () => now);
    expect((await config.reload()).ok).toBe(true);
    for (let i = 0; i < PEOPLE; i++)
      await ts.store.createPerson({
        email: `p${i}@corp${i % 10}.example`,
        fields: { title: 'VP Operations', country: 'US' },
      });
  });
  afterEach(async () => {
    config.close();
    await rm(dir, { recursive: true, force: true });
  });

  test('walks every person once under a lease; a second instance goes on from the cursor when the first is gone', async () => {
    const a = ctxOf('a', config);
    const b = ctxOf('b', config);
    config.onLive(async (v) => void (await onWentLive(a, v)));
    // At start, with no record: the live version is the baseline, nobody is re-scored.
    const v7 = config.current()!;
    expect(await onWentLive(a, { version: 7, hash: v7.hash!, previous: null })).toBeNull();
    expect(await rescoreProgress(a)).toMatchObject({ version: 7, done: 0, total: 0, finished: now.toISOString() });
    expect(await rescoreStep(a, LEASE_MS)).toBe(0);

    await edit(8, 30);
    expect((await config.reload()).ok).toBe(true);
    expect(await rescoreProgress(a)).toEqual({
      version: 8,
      done: 0,
      total: PEOPLE,
      started: now.toISOString(),
      finished: null,
    });
    expect(await rescoreStep(a, LEASE_MS)).toBe(RESCORE_PAGE);
    // a holds the lease: b waits.
    expect(await rescoreStep(b, LEASE_MS)).toBe(0);
    expect((await getKv(ts.store, kv.rescoreWalk(config.current()!.hash!)))?.done).toBe(RESCORE_PAGE);
    // a is killed; its lease lapses and b goes on where a stopped.
    now = new Date(now.getTime() + LEASE_MS + 1);
    expect(await rescoreStep(b, LEASE_MS)).toBe(RESCORE_PAGE);
    expect(await rescoreStep(b, LEASE_MS)).toBe(100);
    const done = await rescoreProgress(b);
    expect(done).toMatchObject({ version: 8, done: PEOPLE, total: PEOPLE, finished: now.toISOString() });
    expect(await rescoreStep(b, LEASE_MS)).toBe(0);

    // Each person evaluated once, under v8 (a senior title is worth 30, the country 10).
    for (let afterId = 0; ;) {
      const page = await ts.store.listPeople({ afterId, limit: 500 });
      for (const p of page) expect({ revision: p.revision, fit: p.scores.fit }).toEqual({ revision: 2, fit: 40 });
      if (page.length < 500) break;
      afterId = page[page.length - 1].id;
    }
    const lines = sink
      .text()
      .trim()
      .split('\n')
      .map((l) => JSON.parse(l) as { message: string; percent?: number });
    expect(lines.filter((l) => l.message === 'agreement re-score').map((l) => l.percent)).toEqual([40, 80]);
    expect(lines.filter((l) => l.message === 'agreement re-score finished')).toHaveLength(1);
    const metrics = await b.metrics.registry.metrics();
    expect(metrics).toMatch(/baton_rescore_progress\{version="8",instance="b"\} 1/);
  });

  test('a newer version during the walk starts over; files not reloaded yet or older neither start nor run one', async () => {
    const a = ctxOf('a', config);
    config.onLive(async (v) => void (await onWentLive(a, v)));
    await edit(8, 30);
    await config.reload();
    expect(await rescoreStep(a, LEASE_MS)).toBe(RESCORE_PAGE);

    // Another instance still on v8's files while v9 goes live here.
    const otherDir = await mkdtemp(join(tmpdir(), 'baton-rescore-other-'));
    await cp(dir, otherDir, { recursive: true });
    const other = liveConfig(otherDir, ts.store, winston.createLogger({ silent: true }), () => now);
    await other.reload();
    const b = ctxOf('b', other);

    // b walks a page of v8 (a's lease lapsed), and in the middle of it v9 goes live at a.
    now = new Date(now.getTime() + LEASE_MS + 1);
    let v9: Promise<unknown> | null = null;
    b.queued = () => {
      v9 ??= edit(9, 35).then(() => config.reload());
    };
    expect(await rescoreStep(b, LEASE_MS)).toBe(RESCORE_PAGE);
    await v9;
    // b's page saved its cursor under v8's text; v9's job and walk are untouched.
    expect(await rescoreProgress(a)).toMatchObject({ version: 9, done: 0, total: PEOPLE, finished: null });
    // b's files say v8: it neither runs v9's walk nor starts v8's again at its start.
    now = new Date(now.getTime() + LEASE_MS + 1);
    expect(await rescoreStep(b, LEASE_MS)).toBe(0);
    const v8 = other.current()!;
    expect(await onWentLive(b, { version: 8, hash: v8.hash!, previous: null })).toBeNull();
    expect((await rescoreProgress(a))?.version).toBe(9);

    while ((await rescoreStep(a, LEASE_MS)) > 0);
    expect(await rescoreProgress(a)).toMatchObject({ version: 9, done: PEOPLE, total: PEOPLE });
    const person = (await ts.store.listPeople({ limit: 1 }))[0];
    expect(person.scores.fit).toBe(45);
    other.close();
    await rm(otherDir, { recursive: true, force: true });
  });

  test('pauses while the outbox holds more writes than the senders should have queued, and goes on once they are sent', async () => {
    const a = { ...ctxOf('a', config), connectors: { hubspot: {} as Connector } };
    config.onLive(async (v) => void (await onWentLive(a, v)));
    await edit(8, 30);
    await config.reload();
    await ts.store.transaction(async (tx) => {
      for (let i = 0; i <= RESCORE_MAX_PENDING; i++)
        await tx.outboxPut({
          crm: 'hubspot',
          key: `hubspot:contact:${i}`,
          personId: null,
          payload: { object: 'contact', id: String(i), action: 'update', properties: { baton_stage: 'lead' } },
          hash: `h${i}`,
          idempotencyKey: `k${i}`,
        });
    });
    expect(await rescoreStep(a, LEASE_MS)).toBe(0);
    expect(await rescoreProgress(a)).toMatchObject({ version: 8, done: 0 });
    const [row] = await ts.store.outboxClaim('hubspot', 'sender', 1, 1000, now.toISOString());
    await ts.store.outboxComplete(row.id, row.hash);
    expect(await rescoreStep(a, LEASE_MS)).toBe(RESCORE_PAGE);
  });
});
