/**
 * Baton's share of the org's daily API allocation. Salesforce reports usage on every response
 * (`Sforce-Limit-Info: api-usage=N/M`, read by jsforce into `limitInfo`) and at `/limits`. When
 * Baton's calls would push usage past its share, calls stop with a `CrmError` carrying
 * `retryAfterMs`, so the outbox holds the work instead of eating the org's budget.
 */
import { CrmError } from '../../src/platform/errors.ts';
import type { Logger } from '../../src/platform/logger.ts';

export interface BudgetState {
  used: number;
  limit: number;
}

export class ApiBudget {
  /** Fraction of the daily allocation Baton may use, 0..1. */
  readonly share: number;
  readonly pauseMs: number;
  private state: BudgetState | undefined;
  private paused = false;
  private log: Logger | undefined;

  constructor(share = 0.5, log?: Logger, pauseMs = 15 * 60_000) {
    if (!(share > 0 && share <= 1)) throw new RangeError(`daily budget share must be in (0, 1], got ${share}`);
    this.share = share;
    this.log = log;
    this.pauseMs = pauseMs;
  }

  /** Records the latest usage reported by Salesforce. */
  observe(used: number, limit: number): void {
    if (!(limit > 0)) return;
    this.state = { used, limit };
    if (this.paused && used < this.threshold()) {
      this.paused = false;
      this.log?.info('salesforce daily API budget available again', { used, limit });
    }
  }

  threshold(): number {
    return Math.floor((this.state?.limit ?? Infinity) * this.share);
  }

  current(): BudgetState | undefined {
    return this.state;
  }

  /** Throws when the next call would exceed Baton's share of the daily allocation. */
  check(): void {
    if (!this.state || this.state.used < this.threshold()) return;
    if (!this.paused) {
      this.paused = true;
      this.log?.warn(
        `salesforce daily API budget reached: ${this.state.used} of ${this.state.limit} calls used, Baton's share is ${Math.round(this.share * 100)}%; pausing Salesforce calls`,
        { used: this.state.used, limit: this.state.limit, share: this.share },
      );
    }
    throw new CrmError(
      'salesforce',
      `Salesforce daily API budget reached (${this.state.used}/${this.state.limit}, share ${Math.round(this.share * 100)}%)`,
      {
        code: 'salesforce_budget_paused',
        retryable: false,
        retryAfterMs: this.pauseMs,
        status: 429,
      },
    );
  }
}
