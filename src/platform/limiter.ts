/**
 * The one limiter factory. Every CRM call goes through a limiter made here, so rate limits are
 * kept before the call instead of being learned from 429s.
 *
 * CRMs such as HubSpot count a *rolling* window. Bottleneck's reservoir refreshes on a fixed
 * interval and would let twice the limit through across a boundary, and spacing starts evenly
 * (`minTime`) would make a burst of 20 calls take 2 s where the limit allows them at once. So a
 * window limit is kept by a log of recent starts: a call starts when fewer than `limit` starts fall
 * in the last `windowMs + marginMs`, in arrival order; Bottleneck keeps the concurrency.
 */
import Bottleneck from 'bottleneck';
import { sleep } from './sleep.ts';

export interface WindowLimit {
  /** Requests allowed in any rolling window. */
  limit: number;
  windowMs: number;
  /** Extra time a request is kept in the window (HubSpot counts on arrival; we count on send). */
  marginMs?: number;
}

export interface LimiterSpec {
  /** Names the limited API in logs and metrics, e.g. `hubspot:portal-123`. */
  name: string;
  maxConcurrent?: number;
  window?: WindowLimit;
}

export interface Limiter {
  readonly name: string;
  /** Runs `fn` when the limits allow. */
  schedule<T>(fn: () => Promise<T>): Promise<T>;
  /** Stops taking work; queued jobs are dropped. */
  stop(): Promise<void>;
}

/** Admits starts so that no rolling window of `windowMs + marginMs` holds more than `limit` of them. */
export function rollingWindow(window: WindowLimit, now: () => number = Date.now): { admit(): Promise<void> } {
  const spanMs = window.windowMs + (window.marginMs ?? 0);
  const starts: number[] = [];
  let gate: Promise<void> = Promise.resolve();
  async function room(): Promise<void> {
    for (;;) {
      const t = now();
      while (starts.length && starts[0] <= t - spanMs) starts.shift();
      if (starts.length < window.limit) {
        starts.push(t);
        return;
      }
      await sleep(starts[0] + spanMs - t + 1);
    }
  }
  return {
    // Chained, so callers are admitted in the order they asked.
    admit: () => (gate = gate.then(room)),
  };
}

/** Creates an in-process limiter for one API. */
export function createLimiter(spec: LimiterSpec): Limiter {
  const bottleneck = new Bottleneck({ maxConcurrent: spec.maxConcurrent ?? null, id: spec.name });
  const window = spec.window ? rollingWindow(spec.window) : null;
  return {
    name: spec.name,
    schedule: (fn) =>
      bottleneck.schedule(async () => {
        if (window) await window.admit();
        return fn();
      }),
    stop: () => bottleneck.stop({ dropWaitingJobs: true }),
  };
}

/**
 * Where limits are counted: in this process (`localLimits`), or for every instance together
 * (`redisLimits` in `shared-limiter.ts`). Connectors take one and build their limiters from it.
 */
export interface LimitsBackend {
  /** True when the counts are shared with other instances. */
  readonly shared: boolean;
  limiter(spec: LimiterSpec): Limiter;
  /** A small JSON value every instance sees (the latest write wins), e.g. a CRM's daily usage. */
  getValue(name: string): Promise<unknown>;
  /** Stores it for `ttlMs`. */
  setValue(name: string, value: unknown, ttlMs: number): Promise<void>;
}

/** Limits of this process alone: nothing is shared, values stay in memory. */
export function localLimits(): LimitsBackend {
  const values = new Map<string, { value: unknown; until: number }>();
  return {
    shared: false,
    limiter: createLimiter,
    getValue: async (name) => {
      const v = values.get(name);
      return v && v.until > Date.now() ? v.value : undefined;
    },
    setValue: async (name, value, ttlMs) => void values.set(name, { value, until: Date.now() + ttlMs }),
  };
}

/** A limiter whose jobs must pass every one of `limiters`, outermost first (e.g. search, then account). */
export function chainLimiters(name: string, ...limiters: Limiter[]): Limiter {
  return {
    name,
    schedule: <T>(fn: () => Promise<T>) =>
      limiters.reduceRight<() => Promise<T>>((inner, l) => () => l.schedule(inner), fn)(),
    stop: async () => {
      await Promise.all(limiters.map((l) => l.stop()));
    },
  };
}
