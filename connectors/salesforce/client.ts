/**
 * One Salesforce session on jsforce: authentication (a given token, or client credentials with a
 * `refreshFn` that re-runs the grant on INVALID_SESSION_ID), and `call()`, the one way every
 * request goes out — under the limiter, the daily budget and the one retry policy.
 */
import jsforce, { type Connection, type Field, type Record as SObjectRow } from 'jsforce';
import { CrmError } from '../../src/platform/errors.ts';
import { localLimits, type Limiter, type LimitsBackend } from '../../src/platform/limiter.ts';
import { logger as rootLogger, type Logger } from '../../src/platform/logger.ts';
import { withRetry, type RetryOptions } from '../../src/platform/retry.ts';
import { createCallGuard, type CallGuard } from '../../src/platform/deadline.ts';
import { ApiBudget } from './budget.ts';
import './transport.ts';
import { toCrmError } from './errors.ts';
import { DEFAULT_API_VERSION, type SalesforceConnectorOptions } from './options.ts';

interface TokenResponse {
  access_token: string;
  instance_url?: string;
  id?: string;
}

export interface DescribeField {
  name: string;
  type: string;
  length: number;
  createable: boolean;
  updateable: boolean;
  nillable: boolean;
  picklistValues: { value: string; active: boolean }[];
}

/** What Baton reads of a field's describe (the org's picklist values none when it has no list). */
export function describeField(f: Field): DescribeField {
  return {
    name: f.name,
    type: f.type,
    length: f.length,
    createable: f.createable,
    updateable: f.updateable,
    nillable: f.nillable,
    picklistValues: f.picklistValues ?? [],
  };
}

export class SalesforceClient {
  readonly conn: Connection;
  readonly budget: ApiBudget;
  readonly limiter: Limiter;
  /** Every call's deadline and the circuit that stops calling an org that does not answer. */
  readonly guard: CallGuard;
  readonly log: Logger;
  readonly version: string;
  integrationUserId: string | undefined;
  private retry: RetryOptions;
  private describes = new Map<string, Promise<Map<string, DescribeField> | null>>();
  private opts: SalesforceConnectorOptions;
  private limits: LimitsBackend;
  private usageKey: string;
  /** When the usage this client last applied was reported (epoch ms), and when the shared one was last read. */
  private usageAt = 0;
  private usageReadAt = 0;

  constructor(opts: SalesforceConnectorOptions) {
    this.opts = opts;
    this.log = opts.logger ?? rootLogger.child({ module: 'salesforce' });
    this.version = opts.apiVersion ?? DEFAULT_API_VERSION;
    this.retry = opts.retry ?? {};
    this.integrationUserId = opts.integrationUserId;
    const canGrant = !!(opts.clientId && opts.clientSecret);
    if (!opts.accessToken && !canGrant)
      throw new CrmError(
        'salesforce',
        'Salesforce needs SALESFORCE_ACCESS_TOKEN or SALESFORCE_CLIENT_ID and SALESFORCE_CLIENT_SECRET',
      );
    const loginUrl = (opts.loginUrl ?? opts.instanceUrl).replace(/\/$/, '');
    this.conn = new jsforce.Connection({
      instanceUrl: opts.instanceUrl.replace(/\/$/, ''),
      loginUrl,
      version: this.version,
      accessToken: opts.accessToken,
      ...(canGrant
        ? {
            oauth2: { loginUrl, clientId: opts.clientId, clientSecret: opts.clientSecret },
            // the client-credentials grant issues no refresh token: renewing means running the grant again
            refreshFn: (
              conn: Connection,
              done: (err: Error | null | undefined, token?: string, res?: never) => unknown,
            ) => {
              this.grant(conn).then(
                (t) => done(null, t.access_token, t as never),
                (err: Error) => done(err),
              );
            },
          }
        : {}),
    });
    this.budget = new ApiBudget(opts.limits?.dailyBudgetShare ?? 0.5, this.log, opts.limits?.budgetPauseMs);
    this.limits = opts.limitsBackend ?? localLimits();
    const name = `salesforce:${opts.orgId ?? opts.instanceUrl}`;
    this.usageKey = `${name}:api-usage`;
    this.limiter = this.limits.limiter({ name, maxConcurrent: opts.limits?.maxConcurrent ?? 4 });
    this.guard = createCallGuard('salesforce', {
      timeoutMs: opts.timeoutMs,
      onChange: (open, reason) =>
        open ? this.log.error(`salesforce calls paused: ${reason}`) : this.log.info('salesforce answers again'),
    });
  }

  private async grant(conn: Connection): Promise<TokenResponse> {
    const res: TokenResponse = await conn.oauth2.requestToken({ grant_type: 'client_credentials' });
    if (!res.access_token) throw new CrmError('salesforce', 'Salesforce token response has no access_token');
    conn.accessToken = res.access_token;
    if (res.instance_url) conn.instanceUrl = res.instance_url.replace(/\/$/, '');
    const userId = res.id?.split('/').pop();
    if (userId && !this.integrationUserId) this.integrationUserId = userId;
    this.log.info('salesforce session established by client credentials');
    return res;
  }

  /** Gets a first token when only client credentials are given. */
  async authenticate(): Promise<void> {
    if (this.conn.accessToken) return;
    try {
      await this.grant(this.conn);
    } catch (err) {
      throw new CrmError(
        'salesforce',
        `Salesforce client-credentials login at ${this.conn.loginUrl} failed: ${(err as Error).message}`,
        { cause: err, status: 401 },
      );
    }
  }

  private observeUsage(): void {
    const usage = (this.conn.limitInfo as { apiUsage?: { used: number; limit: number } }).apiUsage;
    if (usage) this.applyUsage(usage.used, usage.limit, Date.now(), true);
  }

  /** Applies a usage report when it is newer than the one applied; publishes this client's own to the other instances. */
  private applyUsage(used: number, limit: number, at: number, own: boolean): void {
    if (at < this.usageAt) return;
    this.usageAt = at;
    this.budget.observe(used, limit);
    if (own && this.limits.shared) {
      this.limits
        .setValue(this.usageKey, { used, limit, at }, 86_400_000)
        .catch((err: Error) => this.log.debug('salesforce usage not shared', { error: err.message }));
    }
  }

  /**
   * With shared limits, reads the freshest usage another instance saw (at most once a second), so
   * every instance pauses at the same share of the org's allocation.
   */
  private async syncUsage(): Promise<void> {
    if (!this.limits.shared || Date.now() - this.usageReadAt < 1000) return;
    this.usageReadAt = Date.now();
    try {
      const v = (await this.limits.getValue(this.usageKey)) as
        { used?: number; limit?: number; at?: number } | undefined;
      if (v && typeof v.used === 'number' && typeof v.limit === 'number' && typeof v.at === 'number')
        this.applyUsage(v.used, v.limit, v.at, false);
    } catch (err) {
      this.log.debug('salesforce shared usage unreadable', { error: (err as Error).message });
    }
  }

  /**
   * Runs one API call: budget check, limiter, error mapping, usage tracking. With `retry` (the
   * default) retryable failures go through `withRetry`; non-idempotent writes pass `retry: false`
   * and retry themselves after re-checking what already happened.
   */
  async call<T>(what: string, fn: (conn: Connection) => Promise<T>, options: { retry?: boolean } = {}): Promise<T> {
    const once = async () => {
      await this.syncUsage();
      this.budget.check();
      this.guard.check(what);
      await this.authenticate();
      return this.limiter.schedule(async () => {
        try {
          return await this.guard.run(what, () => fn(this.conn));
        } catch (err) {
          throw toCrmError(err, what);
        } finally {
          this.observeUsage();
        }
      });
    };
    if (options.retry === false) return once();
    return withRetry(once, {
      ...this.retry,
      onRetry: (err, n) => this.log.warn(`salesforce ${what}: retry ${n}`, { error: (err as Error).message }),
    });
  }

  /** Runs a SOQL query and follows `nextRecordsUrl` to the end (each page one budgeted call). */
  async queryAll<T extends SObjectRow = Record<string, unknown>>(soql: string, what = 'query'): Promise<T[]> {
    let page = await this.call(what, async (c) => await c.query<T>(soql));
    const out = [...page.records];
    while (!page.done && page.nextRecordsUrl) {
      const next = page.nextRecordsUrl;
      page = await this.call(what, async (c) => await c.queryMore<T>(next));
      out.push(...page.records);
    }
    return out;
  }

  /** The describe of `object` (cached for the connector's life), or null when the org has no such object. */
  describe(object: string): Promise<Map<string, DescribeField> | null> {
    let p = this.describes.get(object);
    if (!p) {
      p = this.call(`describe ${object}`, (c) => c.sobject(object).describe())
        .then((d) => new Map(d.fields.map((f) => [f.name, describeField(f)])))
        .catch((err: CrmError) => {
          if (/NOT_FOUND|INVALID_TYPE/.test(err.message)) return null;
          this.describes.delete(object);
          throw err;
        });
      this.describes.set(object, p);
    }
    return p;
  }

  /** Forgets the cached describes (a setup problem was found), so the next use reads the org's schema again. */
  forgetDescribes(): void {
    this.describes.clear();
  }

  /** Seeds the budget from `/limits` and learns the integration user when unknown. */
  async prime(): Promise<void> {
    const limits = await this.call('limits', (c) => c.limits());
    const daily: { Max: number; Remaining: number } | undefined = limits.DailyApiRequests;
    if (daily) this.applyUsage(daily.Max - daily.Remaining, daily.Max, Date.now(), true);
    if (!this.integrationUserId) {
      const info = await this.call('userinfo', (c) => c.request<{ user_id?: string }>('/services/oauth2/userinfo'));
      this.integrationUserId = info.user_id;
    }
  }

  async stop(): Promise<void> {
    await this.limiter.stop();
  }
}
