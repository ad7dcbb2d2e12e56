/**
 * HubSpot's rolling-window limits as the fake enforces them: every request counts on arrival in the
 * account's ten-second window; searches also count in their own one-second window. A refused request
 * is answered with HubSpot's real 429 body and `X-HubSpot-RateLimit-*` headers (none on search).
 */
import { randomUUID } from 'node:crypto';
import type { FakeResponse } from '../types.ts';

export interface RollingLimit {
  limit: number;
  windowMs: number;
}

/** Timestamps of accepted requests inside one rolling window. */
export class RollingWindow {
  readonly spec: RollingLimit;
  private readonly hits: number[] = [];
  constructor(spec: RollingLimit) {
    this.spec = spec;
  }
  private prune(now: number): void {
    while (this.hits.length && this.hits[0] <= now - this.spec.windowMs) this.hits.shift();
  }
  /** Counts the request when it fits; false when the window is full. */
  take(now: number): boolean {
    this.prune(now);
    if (this.hits.length >= this.spec.limit) return false;
    this.hits.push(now);
    return true;
  }
  remaining(now: number): number {
    this.prune(now);
    return Math.max(0, this.spec.limit - this.hits.length);
  }
}

/** Headers HubSpot sends on every non-search response of a private app. */
export function rateLimitHeaders(win: RollingWindow, now: number): Record<string, string> {
  return {
    'x-hubspot-ratelimit-interval-milliseconds': String(win.spec.windowMs),
    'x-hubspot-ratelimit-max': String(win.spec.limit),
    'x-hubspot-ratelimit-remaining': String(win.remaining(now)),
  };
}

/** The 429 HubSpot answers when the ten-second window is full. */
export function tenSecondly429(win: RollingWindow, now: number): FakeResponse {
  return {
    status: 429,
    headers: rateLimitHeaders(win, now),
    body: {
      status: 'error',
      message: 'You have reached your ten_secondly_rolling limit.',
      errorType: 'RATE_LIMIT',
      correlationId: randomUUID(),
      policyName: 'TEN_SECONDLY_ROLLING',
    },
  };
}

/** The 429 of the search endpoints: no rate-limit headers. */
export function secondly429(): FakeResponse {
  return {
    status: 429,
    body: {
      status: 'error',
      message: 'You have reached your secondly limit.',
      errorType: 'RATE_LIMIT',
      correlationId: randomUUID(),
      policyName: 'SECONDLY',
    },
  };
}
