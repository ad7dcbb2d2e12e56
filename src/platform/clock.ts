/**
 * Baton's clock: wall-clock time that does not jump. Leases and SLA deadlines are instants compared
 * across instances and restarts, so they need wall time; but when NTP steps the system clock by
 * minutes, a lease would expire early (work done twice) or a deadline pass early (a breach fired
 * before its time). So the clock follows the monotonic clock from a wall-clock anchor, and when the
 * two part it closes the gap slowly (at most `slew` of the time elapsed, as NTP's own slewing does)
 * instead of jumping: a 5-minute step moves Baton's time by 0.5 ms per second.
 */
import { performance } from 'node:perf_hooks';

export interface SteadyClockOptions {
  /** The system's wall clock (ms since the epoch). */
  wall?: () => number;
  /** A monotonic clock (ms, any origin). */
  monotonic?: () => number;
  /** The largest share of elapsed time by which the clock moves toward the wall clock (default 0.05 %). */
  slew?: number;
  /** Gaps this small (ms) are taken at once (default 5 ms): ordinary jitter, not a step. */
  toleranceMs?: number;
  /** Told once per step it notices (ms: how far the wall clock moved beyond elapsed time). */
  onStep?: (ms: number) => void;
}

/** A clock that follows the wall clock without ever jumping; returns ms since the epoch. */
export function steadyClock(options: SteadyClockOptions = {}): () => number {
  const wall = options.wall ?? Date.now;
  const monotonic = options.monotonic ?? (() => performance.now());
  const slew = options.slew ?? 0.0005;
  const tolerance = options.toleranceMs ?? 5;
  let lastMono = monotonic();
  let current = wall();
  let stepping = false;
  return () => {
    const mono = monotonic();
    const elapsed = Math.max(0, mono - lastMono);
    lastMono = mono;
    const target = wall();
    const next = current + elapsed;
    const gap = target - next;
    if (Math.abs(gap) <= tolerance) {
      stepping = false;
      current = target;
    } else {
      if (!stepping) options.onStep?.(gap);
      stepping = true;
      const allowed = elapsed * slew;
      current = next + Math.max(-allowed, Math.min(allowed, gap));
    }
    return current;
  };
}

const processClock = steadyClock();

/** Now, on the process' steady clock. */
export function steadyNow(): Date {
  return new Date(processClock());
}
