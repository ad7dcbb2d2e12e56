/**
 * The HubSpot SDK, tamed: the SDK's own limiter and retry are switched off (they are a process-wide
 * singleton rebuilt by every `new Client`, and its retry ignores Retry-After), and every call goes
 * through Baton's account limiter, the one retry policy and the one error mapping. The API objects
 * are built right after the client, so a later `new Client` elsewhere cannot re-decorate them.
 */
import { createHash } from 'node:crypto';
import { Client } from '@hubspot/api-client';
import type { LimitsBackend } from '../../src/platform/limiter.ts';
import type { Logger } from '../../src/platform/logger.ts';
import type { CrmError } from '../../src/platform/errors.ts';
import { withRetry } from '../../src/platform/retry.ts';
import { abandonableAgent, abandonSignal, createCallGuard, type CallGuard } from '../../src/platform/deadline.ts';
import { accountLimiters, DEFAULT_LIMITS, type AccountLimiters, type HubSpotLimits } from './limits.ts';
import { toCrmError } from './errors.ts';

export interface HubSpotClientOptions {
  accessToken: string;
  /** `HUBSPOT_BASE_URL`; default `https://api.hubapi.com`. */
  baseUrl?: string;
  limits?: Partial<HubSpotLimits>;
  /** Retries after the first attempt (the one retry policy). */
  retries?: number;
  retryMinTimeoutMs?: number;
  /** Names the account's limiter; default a hash of base URL + token, so two connectors on one account share it. */
  accountKey?: string;
  /** Where the account's limits are counted (default: this process; Redis to share them across instances). */
  limitsBackend?: LimitsBackend;
  logger?: Logger;
  /** The deadline of one call (default `BATON_CRM_TIMEOUT_SECONDS`, else 30 s). */
  timeoutMs?: number;
}

export type CallKind = 'read' | 'search' | 'associations' | 'write' | 'schema' | 'marketing';

/** How many HTTP calls (attempts) each kind of operation made. */
export type CallCounts = Record<CallKind, number>;

/** How long a 401 blocks further calls: a bad token is not retried into a storm. */
const AUTH_BLOCK_MS = 60_000;

export interface HubSpotApi {
  readonly sdk: Client;
  readonly counts: CallCounts;
  /** Every call's deadline and the circuit that stops calling a portal that does not answer. */
  readonly guard: CallGuard;
  /** Runs one SDK call under the limiter(s) and the retry policy. */
  call<T>(kind: CallKind, operation: string, fn: (sdk: Client) => Promise<T>): Promise<T>;
  /** A raw SDK `apiRequest` (for the legacy marketing endpoints the SDK has no model for), as JSON. */
  request<T>(operation: string, opts: { method?: string; path: string; qs?: Record<string, string> }): Promise<T>;
  close(): Promise<void>;
}

/** Builds the SDK client and the guarded call path for one account. */
export function createHubSpotApi(options: HubSpotClientOptions): HubSpotApi {
  const baseUrl = (options.baseUrl ?? 'https://api.hubapi.com').replace(/\/$/, '');
  // Node's http stack with an agent of Baton's, instead of the SDK's fetch: a call abandoned at its
  // deadline destroys its socket (fetch in the SDK takes no signal, so it would stay open).
  const agent = abandonableAgent(new URL(baseUrl).protocol);
  const sdk = new Client({
    accessToken: options.accessToken,
    basePath: baseUrl,
    numberOfApiCallRetries: 0,
    httpAgent: agent,
  });
  // Touch every API now: decorators are bound at construction from the SDK's singleton.
  void sdk.crm.objects.batchApi;
  void sdk.crm.associations.v4.batchApi;
  void sdk.crm.properties.coreApi;
  const limits: HubSpotLimits = {
    account: { ...DEFAULT_LIMITS.account, ...options.limits?.account },
    search: { ...DEFAULT_LIMITS.search, ...options.limits?.search },
    maxConcurrent: options.limits?.maxConcurrent ?? DEFAULT_LIMITS.maxConcurrent,
  };
  const key =
    options.accountKey ?? createHash('sha256').update(`${baseUrl} ${options.accessToken}`).digest('hex').slice(0, 12);
  const limiters: AccountLimiters = accountLimiters(key, limits, options.limitsBackend);
  const counts: CallCounts = { read: 0, search: 0, associations: 0, write: 0, schema: 0, marketing: 0 };
  const guard = createCallGuard('hubspot', {
    timeoutMs: options.timeoutMs,
    onChange: (open, reason) =>
      open ? options.logger?.error(`hubspot calls paused: ${reason}`) : options.logger?.info('hubspot answers again'),
  });
  let blockedUntil = 0;
  let blockError: CrmError | null = null;

  async function call<T>(kind: CallKind, operation: string, fn: (sdk: Client) => Promise<T>): Promise<T> {
    const limiter = kind === 'search' ? limiters.search : limiters.account;
    return withRetry(
      async () => {
        if (blockError && Date.now() < blockedUntil) throw blockError;
        guard.check(operation);
        try {
          return await limiter.schedule(() => {
            counts[kind]++;
            return guard.run(operation, () => fn(sdk));
          });
        } catch (err) {
          const mapped = toCrmError(err, operation);
          if (mapped.status === 401) {
            blockError = mapped;
            blockedUntil = Date.now() + AUTH_BLOCK_MS;
            options.logger?.error('hubspot access token refused; calls paused', { operation, pauseMs: AUTH_BLOCK_MS });
          }
          throw mapped;
        }
      },
      {
        retries: options.retries ?? 5,
        minTimeoutMs: options.retryMinTimeoutMs ?? 200,
        onRetry: (err, attempt) =>
          options.logger?.warn('hubspot call retried', { operation, attempt, error: (err as Error).message }),
      },
    );
  }

  async function request<T>(
    operation: string,
    opts: { method?: string; path: string; qs?: Record<string, string> },
  ): Promise<T> {
    return call('marketing', operation, async () => {
      // The SDK's apiRequest would fetch without a signal; this fetch is aborted if the call is abandoned.
      const url = new URL(`${baseUrl}${opts.path}`);
      for (const [k, v] of Object.entries(opts.qs ?? {})) url.searchParams.set(k, v);
      const res = await fetch(url, {
        method: opts.method ?? 'GET',
        headers: { authorization: `Bearer ${options.accessToken}`, accept: 'application/json' },
        signal: abandonSignal(),
      });
      const text = await res.text();
      const body = text ? JSON.parse(text) : {};
      if (!res.ok)
        throw Object.assign(new Error(`HTTP ${res.status}`), {
          code: res.status,
          body,
          headers: Object.fromEntries(res.headers.entries()),
        });
      return body as T;
    });
  }

  return {
    sdk,
    counts,
    guard,
    call,
    request,
    close: async () => {
      agent.destroy();
      await limiters.release();
    },
  };
}
