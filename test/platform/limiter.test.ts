import { describe, expect, it } from 'vitest';
import { chainLimiters, createLimiter, spacingFor } from '../../src/platform/limiter.ts';

/** The most starts that fall in any rolling window of `windowMs`. */
function maxInWindow(starts: number[], windowMs: number): number {
  let most = 0;
  for (let i = 0, j = 0; i < starts.length; i++) {
    while (starts[i] - starts[j] >= windowMs) j++;
    most = Math.max(most, i - j + 1);
  }
  return most;
}

describe('the limiter factory', () => {
  it('spaces starts so that no rolling window exceeds the limit', async () => {
    const window = { limit: 5, windowMs: 200, marginMs: 10 };
    expect(spacingFor(window)).toBe(42);
    const limiter = createLimiter({ name: 'test', window });
    const starts: number[] = [];
    await Promise.all(Array.from({ length: 15 }, () => limiter.schedule(async () => void starts.push(Date.now()))));
    // A busy event loop can run a job a little after its slot, so measured starts get up to
    // ~40 ms of slack; the spacing itself is Bottleneck's guarantee.
    expect(maxInWindow(starts, 160)).toBeLessThanOrEqual(5);
    expect(starts[14] - starts[0]).toBeGreaterThanOrEqual(14 * 42 - 40);
    await limiter.stop();
  });

  it('caps concurrency', async () => {
    const limiter = createLimiter({ name: 'c', maxConcurrent: 2 });
    let running = 0;
    let peak = 0;
    await Promise.all(
      Array.from({ length: 8 }, () =>
        limiter.schedule(async () => {
          running++;
          peak = Math.max(peak, running);
          await new Promise((r) => setTimeout(r, 5));
          running--;
        }),
      ),
    );
    expect(peak).toBe(2);
  });

  it('chains limiters so a job passes every one', async () => {
    const order: string[] = [];
    const outer = createLimiter({ name: 'outer', maxConcurrent: 1 });
    const inner = createLimiter({ name: 'inner', maxConcurrent: 1 });
    const chained = chainLimiters('both', outer, inner);
    const out = await chained.schedule(async () => {
      order.push('ran');
      return 7;
    });
    expect(out).toBe(7);
    expect(order).toEqual(['ran']);
  });
});
