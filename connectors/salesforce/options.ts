/** Options of the Salesforce connector, and reading them from the environment. */
import type { FieldsConfig } from '../../src/config/schema.ts';
import type { LimitsBackend } from '../../src/platform/limiter.ts';
import type { Logger } from '../../src/platform/logger.ts';
import type { RetryOptions } from '../../src/platform/retry.ts';

export const DEFAULT_API_VERSION = '62.0';

export interface SalesforceConnectorOptions {
  /** `SALESFORCE_INSTANCE_URL`, e.g. `https://acme.my.salesforce.com`. */
  instanceUrl: string;
  /** The deadline of one API call (default `BATON_CRM_TIMEOUT_SECONDS`, else 30 s). */
  timeoutMs?: number;
  /** `SALESFORCE_ACCESS_TOKEN`: a session token; without client credentials it cannot be renewed. */
  accessToken?: string;
  /** `SALESFORCE_CLIENT_ID` + `SALESFORCE_CLIENT_SECRET`: the OAuth 2.0 client-credentials flow. */
  clientId?: string;
  clientSecret?: string;
  /** `SALESFORCE_LOGIN_URL`; default: the instance URL (client credentials need the My Domain URL). */
  loginUrl?: string;
  /** `SALESFORCE_API_VERSION`; default 62.0. */
  apiVersion?: string;
  /** `SALESFORCE_ORG_ID`: Outbound Messages from any other org are refused. */
  orgId?: string;
  /** The loaded `fields.yaml`. */
  fields: FieldsConfig;
  /** The text of `fields.yaml`, to position schema-check messages; and its name in messages. */
  fieldsYamlText?: string;
  fieldsYamlFile?: string;
  /** A position lookup for a path in `fields.yaml`, preferred over searching the text. */
  positionOf?: (path: (string | number)[]) => { line: number; col: number } | undefined;
  limits?: {
    /** Share of the org's daily API allocation Baton may use (default 0.5). */
    dailyBudgetShare?: number;
    /** Concurrent calls (default 4). */
    maxConcurrent?: number;
    /** How long a budget pause asks callers to wait (default 15 minutes). */
    budgetPauseMs?: number;
  };
  /**
   * Where the concurrency limit is counted and the org's latest reported usage is kept (default:
   * this process). With `redisLimits`, every instance caps its calls together and pauses on the
   * freshest usage any of them saw, at the same share.
   */
  limitsBackend?: LimitsBackend;
  /**
   * `org` (default): new Leads are placed by the org's active assignment rule. `baton`: routing set
   * OwnerId itself, so creates send `Sforce-Auto-Assign: FALSE`. Updates always send FALSE.
   */
  assignment?: 'org' | 'baton';
  /** Baton's integration user; learned from the token or `/services/oauth2/userinfo` when absent. */
  integrationUserId?: string;
  bulk?: { pollIntervalMs?: number; pollTimeoutMs?: number; pageSize?: number };
  /** Records per poll and object (default 2000). */
  pollPageSize?: number;
  /** Polls leave out changes younger than this (default 10 s), so late commits in a second are not skipped. */
  pollLagMs?: number;
  /** The clock, for tests. */
  now?: () => Date;
  retry?: RetryOptions;
  logger?: Logger;
}

/** Connector options from `SALESFORCE_*` variables, or null when the connector is off (no credentials). */
export function salesforceOptionsFromEnv(
  env: NodeJS.ProcessEnv,
  fields: FieldsConfig,
): SalesforceConnectorOptions | null {
  const instanceUrl = env.SALESFORCE_INSTANCE_URL;
  const hasToken = !!env.SALESFORCE_ACCESS_TOKEN;
  const hasClient = !!(env.SALESFORCE_CLIENT_ID && env.SALESFORCE_CLIENT_SECRET);
  if (!instanceUrl || (!hasToken && !hasClient)) return null;
  return {
    instanceUrl,
    accessToken: env.SALESFORCE_ACCESS_TOKEN || undefined,
    clientId: env.SALESFORCE_CLIENT_ID || undefined,
    clientSecret: env.SALESFORCE_CLIENT_SECRET || undefined,
    loginUrl: env.SALESFORCE_LOGIN_URL || undefined,
    apiVersion: env.SALESFORCE_API_VERSION || undefined,
    orgId: env.SALESFORCE_ORG_ID || undefined,
    fields,
  };
}
