/**
 * The shared window counts lost under two limiter instances (FLUSHALL on a Redis of this test's
 * own): the calls across the loss still fit the rolling limit, because no point is taken until the
 * window that was running at the flush has ended.
 */
import type { ChildProcess } from 'node:child_process';
import { randomUUID } from 'node:crypto';
import { createClient } from 'redis';
import { afterAll, beforeAll, expect, it } from 'vitest';
import { createSharedLimiter, sharedWindow } from '../../src/platform/shared-limiter.ts';
import { freePort, startRedis, stopRedis } from '../support/redis-server.ts';

let server: ChildProcess;
let url: string;
let clients: ReturnType<typeof createClient>[] = [];

beforeAll(async () => {
  const port = await freePort();
  server = await startRedis(port);
  url = `redis://127.0.0.1:${port}`;
  clients = [createClient({ url }), createClient({ url }), createClient({ url })];
  for (const c of clients) await c.connect();
});

afterAll(async () => {
  for (const c of clients) await c.quit();
  await stopRedis(server);
});

/** The most starts in any half-open span of `spanMs`. */
function mostInSpan(starts: number[], spanMs: number): number {
  const s = [...starts].sort((a, b) => a - b);
  let most = 0;
  for (let i = 0, j = 0; i < s.length; i++) {
    while (s[i] - s[j] >= spanMs) j++;
    most = Math.max(most, i - j + 1);
  }
  return most;
}

const at = (ms: number) => new Promise((r) => setTimeout(r, ms));

it('keeps the rolling limit across a FLUSHALL between two instances', async () => {
  // 6 per 2 s: fixed windows of 1 s holding 2 points, so 3 windows (6 calls) touch any 2 s.
  const spec = { name: `flush-${randomUUID()}`, window: { limit: 6, windowMs: 2000 } };
  expect(sharedWindow(spec.window)).toEqual({ points: 2, seconds: 1 });
  const [a, b] = [createSharedLimiter(spec, clients[0]), createSharedLimiter(spec, clients[1])];
  const starts: number[] = [];
  const call = async () => void starts.push(Date.now());
  // The first use waits out one window (the counts are new), then the windows run.
  await a.schedule(call);
  starts.length = 0;
  await at(1100);

  // The worst case: a window whose last point is taken late, a full one after it, and a flush
  // early in that one. Without the epoch's wait the flush opens a fourth window inside 2 s.
  const t0 = Date.now();
  const late = a.schedule(call); // opens window 1
  await at(900);
  const second = b.schedule(call); // window 1's second point, late in it
  await at(60);
  const full = [a.schedule(call), b.schedule(call)]; // window 2, at 1000 ms
  await Promise.all([late, second, ...full]);
  await at(Math.max(0, t0 + 1050 - Date.now()));
  const flushedAt = Date.now();
  await clients[2].flushAll();
  const after = Array.from({ length: 6 }, (_, i) => (i % 2 ? a : b).schedule(call));
  await Promise.all(after);

  expect(starts).toHaveLength(10);
  expect(mostInSpan(starts, 2000)).toBeLessThanOrEqual(6);
  // No point was taken until a window after the flush was noticed.
  const firstAfter = Math.min(...starts.slice(4));
  expect(firstAfter - flushedAt).toBeGreaterThanOrEqual(950);
  await Promise.all([a.stop(), b.stop()]);
}, 20_000);

it('waits out one window, no more, when a Redis comes back empty', async () => {
  const spec = { name: `fresh-${randomUUID()}`, window: { limit: 100, windowMs: 10_000, marginMs: 100 } };
  const limiter = createSharedLimiter(spec, clients[0]);
  const t0 = Date.now();
  await limiter.schedule(async () => undefined);
  const waited = Date.now() - t0;
  expect(waited).toBeGreaterThanOrEqual(950);
  expect(waited).toBeLessThan(2500);
  // Then the window's points are there at once.
  const t1 = Date.now();
  await Promise.all(Array.from({ length: 7 }, () => limiter.schedule(async () => undefined)));
  expect(Date.now() - t1).toBeLessThan(500);
  await limiter.stop();
});
