/**
 * Slack through the official `@slack/web-api` client, as a `SlackTransport`: the rep found by email
 * (`users.lookupByEmail`, cached), a DM opened by `conversations.open` (cached), messages by
 * `chat.postMessage`. Limits are kept before each call with the project's limiter, per the Web API's
 * tiers; the client's own retries are off and rate-limited calls rejected, so a 429 reaches the one
 * retry policy (and the outbox's backoff) with Slack's Retry-After.
 */
import { LogLevel, WebClient } from '@slack/web-api';
import { alertMrkdwn } from '../../src/alerts/render.ts';
import type { AlertMessage, Sent, SlackTransport } from '../../src/alerts/types.ts';
import { localLimits, type Limiter, type LimitsBackend } from '../../src/platform/limiter.ts';
import { platformError, slackError } from './errors.ts';

export interface SlackOptions {
  token: string;
  /** The Web API base URL (the sandbox's in tests and the demo); default Slack's. */
  apiUrl?: string;
  limits?: LimitsBackend;
  /** How long a found (or not found) user stays cached; default an hour. */
  cacheMs?: number;
}

/**
 * The tiers of the methods used (https://docs.slack.dev/apis/web-api/rate-limits): Tier 3 is 50+
 * a minute; `chat.postMessage` is about one message a second per channel.
 */
export const SLACK_TIERS = {
  tier3: { limit: 50, windowMs: 60_000 },
  postPerChannel: { limit: 1, windowMs: 1000 },
} as const;

/** Creates the Slack transport. */
export function createSlackTransport(options: SlackOptions): SlackTransport & { stop(): Promise<void> } {
  const client = new WebClient(options.token, {
    ...(options.apiUrl ? { slackApiUrl: options.apiUrl.replace(/\/?$/, '/') } : {}),
    retryConfig: { retries: 0 },
    rejectRateLimitedCalls: true,
    logLevel: LogLevel.ERROR,
  });
  const limits = options.limits ?? localLimits();
  const lookup = limits.limiter({ name: 'slack:users.lookupByEmail', window: SLACK_TIERS.tier3 });
  const open = limits.limiter({ name: 'slack:conversations.open', window: SLACK_TIERS.tier3 });
  const posts = new Map<string, Limiter>();
  const postLimiter = (channel: string) => {
    let l = posts.get(channel);
    if (!l) {
      l = limits.limiter({ name: `slack:chat.postMessage:${channel}`, window: SLACK_TIERS.postPerChannel });
      posts.set(channel, l);
    }
    return l;
  };
  const cacheMs = options.cacheMs ?? 3_600_000;
  const users = new Map<string, { id: string | null; until: number }>();
  const dms = new Map<string, string>();

  async function call<T>(method: string, limiter: Limiter, fn: () => Promise<T>): Promise<T> {
    try {
      return await limiter.schedule(fn);
    } catch (err) {
      throw slackError(method, err);
    }
  }

  async function post(channel: string, message: AlertMessage): Promise<Sent> {
    const r = await call('chat.postMessage', postLimiter(channel), () =>
      client.chat.postMessage({ channel, text: alertMrkdwn(message), mrkdwn: true, unfurl_links: false }),
    );
    return { to: r.channel ?? channel, id: r.ts ?? '' };
  }

  return {
    async userByEmail(email) {
      const key = email.trim().toLowerCase();
      const hit = users.get(key);
      if (hit && hit.until > Date.now()) return hit.id;
      let id: string | null;
      try {
        const r = await lookup.schedule(() => client.users.lookupByEmail({ email: key }));
        id = r.user?.id ?? null;
      } catch (err) {
        if (platformError(err) !== 'users_not_found') throw slackError('users.lookupByEmail', err);
        id = null;
      }
      users.set(key, { id, until: Date.now() + cacheMs });
      return id;
    },
    async direct(userId, message) {
      let channel = dms.get(userId);
      if (!channel) {
        const r = await call('conversations.open', open, () => client.conversations.open({ users: userId }));
        channel = r.channel?.id ?? userId;
        dms.set(userId, channel);
      }
      return post(channel, message);
    },
    post,
    async stop() {
      await Promise.all([lookup, open, ...posts.values()].map((l) => l.stop()));
    },
  };
}
