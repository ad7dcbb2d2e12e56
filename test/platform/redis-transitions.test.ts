/**
 * Redis SIGKILLed and started again (a redis-server of this test's own) under two instances that
 * keep calling as fast as their limits let them: no rolling window holds more calls than the
 * limit, whichever regime each call was made under, the calls in flight never exceed
 * maxConcurrent, and the first call after each transition waits about one window.
 */
import type { ChildProcess } from 'node:child_process';
import { randomUUID } from 'node:crypto';
import { Writable } from 'node:stream';
import { afterAll, expect, it } from 'vitest';
import { createLogger, transports } from 'winston';
import { connectSharedLimits, type SharedLimitsConnection } from '../../src/platform/redis.ts';
import { sharedWindow } from '../../src/platform/shared-limiter.ts';
import { freePort, startRedis, stopRedis } from '../support/redis-server.ts';

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

async function until(check: () => boolean, ms = 20_000): Promise<void> {
  const end = Date.now() + ms;
  while (!check()) {
    if (Date.now() > end) throw new Error('condition not met in time');
    await at(20);
  }
}

interface Seen {
  transitions: { to: string; waitMs: number; at: number }[];
  starts: number[];
}

/** A logger that keeps the transition warnings, with the time each was logged. */
function watching(seen: Seen) {
  const stream = new Writable({
    objectMode: true,
    write(info: { message?: string; limit?: string; waitMs?: number }, _enc, done) {
      if (info.limit && typeof info.waitMs === 'number')
        seen.transitions.push({
          to: info.message?.includes('shared again') ? 'shared' : 'share',
          waitMs: info.waitMs,
          at: Date.now(),
        });
      done();
    },
  });
  return createLogger({ transports: [new transports.Stream({ stream })] });
}

let server: ChildProcess | null = null;
const connections: SharedLimitsConnection[] = [];
afterAll(async () => {
  for (const c of connections) await c.close();
  if (server) await stopRedis(server);
});

it('keeps the limit across a Redis SIGKILL and its return, two instances calling flat out', async () => {
  const port = await freePort();
  server = await startRedis(port);
  const prefix = `t-${randomUUID()}:`;
  // 12 per 6 s: fixed windows of 2 s holding 3 points; under a share, 6 per 6 s each.
  const spec = { name: `crm-${randomUUID()}`, maxConcurrent: 4, window: { limit: 12, windowMs: 6000 } };
  expect(sharedWindow(spec.window)).toEqual({ points: 3, seconds: 2 });
  const seen: Seen[] = [
    { transitions: [], starts: [] },
    { transitions: [], starts: [] },
  ];
  for (const s of seen) {
    const c = await connectSharedLimits(`redis://127.0.0.1:${port}`, { log: watching(s), prefix });
    c.countInstancesWith(() => 2);
    connections.push(c);
  }
  const limiters = connections.map((c) => c.backend.limiter(spec));
  let running = 0;
  let peak = 0;
  let stopped = false;
  // Four callers per instance, each starting its next call when the last ends.
  const pumps = limiters.flatMap((limiter, i) =>
    Array.from({ length: 4 }, async () => {
      while (!stopped)
        await limiter.schedule(async () => {
          seen[i].starts.push(Date.now());
          running++;
          peak = Math.max(peak, running);
          await at(40);
          running--;
        });
    }),
  );

  // The first use waits one fixed window (new counts); then the shared windows fill.
  await at(6000);
  const killedAt = Date.now();
  await stopRedis(server);
  server = null;
  await until(() => connections.every((c) => c.degraded() !== null));
  await at(9000);
  server = await startRedis(port);
  const backAt = Date.now();
  await until(() => connections.every((c) => c.degraded() === null));
  await until(() => seen.every((s) => s.transitions.some((t) => t.to === 'shared')));
  await at(9000);
  stopped = true;
  await Promise.all(pumps);

  const all = seen.flatMap((s) => s.starts);
  expect(mostInSpan(all, 6000)).toBeLessThanOrEqual(12);
  expect(peak).toBeLessThanOrEqual(4);
  for (const s of seen) {
    // One warning per transition: to the share once, back once.
    expect(s.transitions.map((t) => t.to)).toEqual(['share', 'shared']);
    const [away, back] = s.transitions;
    expect(away.waitMs).toBe(6000);
    expect(back.waitMs).toBe(6000);
    expect(away.at).toBeGreaterThanOrEqual(killedAt);
    expect(back.at).toBeGreaterThanOrEqual(backAt);
    // Calls went on before the kill, under the share, and shared again.
    expect(s.starts.filter((t) => t < killedAt).length).toBeGreaterThan(0);
    const underShare = s.starts.filter((t) => t > away.at && t < back.at);
    expect(underShare.length).toBeGreaterThan(0);
    const afterBack = s.starts.filter((t) => t > back.at);
    expect(afterBack.length).toBeGreaterThan(0);
    // The first call after each transition waits about one window.
    expect(Math.min(...underShare) - away.at).toBeGreaterThanOrEqual(5950);
    expect(Math.min(...underShare) - away.at).toBeLessThan(7500);
    expect(Math.min(...afterBack) - back.at).toBeGreaterThanOrEqual(5950);
    // At most the other instance's later return (its reconnect backoff) on top.
    expect(Math.min(...afterBack) - back.at).toBeLessThan(6000 + 6500);
  }
  await Promise.all(limiters.map((l) => l.stop()));
}, 60_000);

it('keeps maxConcurrent across a Redis SIGKILL and its return, calls long enough to straddle both', async () => {
  const port = await freePort();
  let own: ChildProcess | null = await startRedis(port);
  const prefix = `t-${randomUUID()}:`;
  const spec = { name: `crm-${randomUUID()}`, maxConcurrent: 4 };
  const seen: Seen[] = [
    { transitions: [], starts: [] },
    { transitions: [], starts: [] },
  ];
  const pair: SharedLimitsConnection[] = [];
  try {
    for (const s of seen) {
      const c = await connectSharedLimits(`redis://127.0.0.1:${port}`, { log: watching(s), prefix });
      c.countInstancesWith(() => 2);
      pair.push(c);
    }
    const limiters = pair.map((c) => c.backend.limiter(spec));
    let running = 0;
    let peak = 0;
    let stopped = false;
    const pumps = limiters.flatMap((limiter, i) =>
      Array.from({ length: 6 }, async () => {
        while (!stopped)
          await limiter.schedule(async () => {
            seen[i].starts.push(Date.now());
            running++;
            peak = Math.max(peak, running);
            await at(400);
            running--;
          });
      }),
    );
    await at(1000);
    await stopRedis(own);
    own = null;
    await until(() => pair.every((c) => c.degraded() !== null));
    await at(2000);
    own = await startRedis(port);
    await until(() => pair.every((c) => c.degraded() === null));
    await at(3000);
    stopped = true;
    await Promise.all(pumps);
    // Without the drain and the cap: 4 shared calls still running beside 2 + 2 under the shares.
    expect(peak).toBeLessThanOrEqual(4);
    for (const s of seen) {
      expect(s.transitions.map((t) => [t.to, t.waitMs])).toEqual([
        ['share', 0],
        ['shared', 0],
      ]);
      expect(s.starts.length).toBeGreaterThan(4);
    }
    await Promise.all(limiters.map((l) => l.stop()));
  } finally {
    for (const c of pair) await c.close();
    if (own) await stopRedis(own);
  }
}, 40_000);
