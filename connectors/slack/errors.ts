/** Slack's failures as `AlertError`s: whether the one retry policy may try again, and Slack's wait (Retry-After). */
import { ErrorCode, type WebAPICallError } from '@slack/web-api';
import { AlertError } from '../../src/platform/errors.ts';

/**
 * The bot token's scopes: post (`chat:write`), open DMs (`im:write`), find reps (`users:read.email`),
 * and, to find an alert an interrupted attempt may have posted, read the history of DMs and
 * channels (`im:history`, `channels:history`, `groups:history`) and channel ids by name
 * (`channels:read`, `groups:read`).
 */
export const SLACK_SCOPES = [
  'chat:write',
  'im:write',
  'users:read.email',
  'im:history',
  'channels:history',
  'groups:history',
  'channels:read',
  'groups:read',
] as const;

/** `ok: false` errors worth another attempt (Slack's own trouble); every other one is final. */
const TRANSIENT = new Set(['internal_error', 'fatal_error', 'service_unavailable', 'request_timeout', 'ratelimited']);

/** The `error` of an `ok: false` answer, when `err` is one. */
export function platformError(err: unknown): string | undefined {
  const e = err as Partial<WebAPICallError> | null;
  if (e?.code !== ErrorCode.PlatformError) return undefined;
  const data = (e as { data?: { error?: unknown } }).data;
  return typeof data?.error === 'string' ? data.error : undefined;
}

/** `err` from a Web API call as an `AlertError` naming the method. */
export function slackError(method: string, err: unknown): AlertError {
  const e = err as (Partial<WebAPICallError> & { retryAfter?: number; statusCode?: number }) | null;
  switch (e?.code) {
    case ErrorCode.RateLimitedError:
      return new AlertError('slack', `Slack ${method}: rate limited; retry after ${e.retryAfter ?? 1} s`, {
        cause: err,
        retryable: true,
        retryAfterMs: (e.retryAfter ?? 1) * 1000,
        code: 'alert_rate_limited',
        refused: true,
      });
    case ErrorCode.PlatformError: {
      const code = platformError(err) ?? 'unknown';
      const fix =
        code === 'invalid_auth' || code === 'not_authed' || code === 'token_revoked'
          ? '; check the bot token (channels.slack.token_env)'
          : code === 'channel_not_found' || code === 'not_in_channel'
            ? '; invite the Baton app to the channel named in alerts.yaml'
            : code === 'missing_scope'
              ? `; the app needs ${SLACK_SCOPES.join(', ')}`
              : '';
      return new AlertError('slack', `Slack ${method}: ${code}${fix}`, {
        cause: err,
        retryable: TRANSIENT.has(code),
        refused: true,
      });
    }
    case ErrorCode.HTTPError:
      return new AlertError('slack', `Slack ${method}: HTTP ${e.statusCode ?? '?'}`, {
        cause: err,
        retryable: (e.statusCode ?? 500) >= 500,
      });
    case ErrorCode.RequestError:
      return new AlertError('slack', `Slack ${method}: request failed`, { cause: err, retryable: true });
    default:
      return new AlertError('slack', `Slack ${method}: ${err instanceof Error ? err.message : String(err)}`, {
        cause: err,
      });
  }
}
