/**
 * Slack through the official `@slack/web-api` client, as a `SlackTransport`: the rep found by email
 * (`users.lookupByEmail`, cached), a DM opened by `conversations.open` (cached), messages by
 * `chat.postMessage` with the alert's key in the message `metadata`. Slack has no idempotency key,
 * so an alert whose earlier attempt may have been accepted unheard (`AlertRef.lookSince`) is first
 * looked for in the conversation's recent history (`conversations.history` with
 * `include_all_metadata`; a channel's id by name from `conversations.list`) and not posted again
 * when found. Limits are kept before each call with the project's limiter, per the Web API's
 * tiers; the client's own retries are off and rate-limited calls rejected, so a 429 reaches the one
 * retry policy (and the outbox's backoff) with Slack's Retry-After.
 */
import { LogLevel, WebClient } from '@slack/web-api';
import { alertMrkdwn } from '../../src/alerts/render.ts';
import type { AlertMessage, AlertRef, Sent, SlackTransport } from '../../src/alerts/types.ts';
import { localLimits, type Limiter, type LimitsBackend } from '../../src/platform/limiter.ts';
import { AlertError } from '../../src/platform/errors.ts';
import { platformError, slackError } from './errors.ts';

export interface SlackOptions {
  token: string;
  /** The Web API base URL (the sandbox's in tests and the demo); default Slack's. */
  apiUrl?: string;
  limits?: LimitsBackend;
  /** How long a found (or not found) user stays cached; default an hour. */
  cacheMs?: number;
  /** Hears why a lookup of an interrupted attempt's message was refused (the alert is posted without it). */
  onLookupRefused?: (reason: string) => void;
}

/**
 * The tiers of the methods used (https://docs.slack.dev/apis/web-api/rate-limits): Tier 2 is 20+
 * a minute (`conversations.list`), Tier 3 50+ (`users.lookupByEmail`, `conversations.open`,
 * `conversations.history` for internal and Marketplace apps; a commercially distributed
 * non-Marketplace app gets 1 a minute and 15 messages a page there); `chat.postMessage` is about
 * one message a second per channel.
 */
export const SLACK_TIERS = {
  tier2: { limit: 20, windowMs: 60_000 },
  tier3: { limit: 50, windowMs: 60_000 },
  postPerChannel: { limit: 1, windowMs: 1000 },
} as const;

/** The `metadata.event_type` of every alert Baton posts; `event_payload.key` is the alert's idempotency key. */
export const ALERT_EVENT_TYPE = 'baton_alert';

/** How much earlier than an interrupted attempt's start the history is read (Slack's clock against ours). */
const LOOK_MARGIN_MS = 5 * 60_000;
/** Messages per history page, and pages read at most, when looking for an alert. */
const HISTORY_PAGE = 200;
const HISTORY_PAGES = 10;

const isChannelId = (c: string) => /^[CDG][A-Z0-9]+$/.test(c);

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
  const history = limits.limiter({ name: 'slack:conversations.history', window: SLACK_TIERS.tier3 });
  const list = limits.limiter({ name: 'slack:conversations.list', window: SLACK_TIERS.tier2 });
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
  const channelIds = new Map<string, string>(); // channel name (without #) → id

  async function call<T>(method: string, limiter: Limiter, fn: () => Promise<T>): Promise<T> {
    try {
      return await limiter.schedule(fn);
    } catch (err) {
      throw slackError(method, err);
    }
  }

  /** The id of a channel named like `#sales` (read once from `conversations.list`), or null when Slack lists none. */
  async function channelIdOf(channel: string): Promise<string | null> {
    if (isChannelId(channel)) return channel;
    const name = channel.replace(/^#/, '');
    if (channelIds.has(name)) return channelIds.get(name)!;
    let cursor: string | undefined;
    do {
      const r = await call('conversations.list', list, () =>
        client.conversations.list({
          types: 'public_channel,private_channel',
          exclude_archived: true,
          limit: 200,
          ...(cursor ? { cursor } : {}),
        }),
      );
      for (const c of r.channels ?? []) if (c.name && c.id) channelIds.set(c.name, c.id);
      cursor = r.response_metadata?.next_cursor || undefined;
    } while (cursor && !channelIds.has(name));
    return channelIds.get(name) ?? null;
  }

  /** The `ts` of the message with alert key `key` in `channelId` since `since` (ISO), or null. */
  async function findSent(channelId: string, key: string, since: string): Promise<string | null> {
    const oldest = ((Date.parse(since) - LOOK_MARGIN_MS) / 1000).toFixed(6);
    let cursor: string | undefined;
    for (let page = 0; page < HISTORY_PAGES; page++) {
      const r = await call('conversations.history', history, () =>
        client.conversations.history({
          channel: channelId,
          oldest,
          inclusive: true,
          include_all_metadata: true,
          limit: HISTORY_PAGE,
          ...(cursor ? { cursor } : {}),
        }),
      );
      const hit = (r.messages ?? []).find(
        (m) =>
          m.metadata?.event_type === ALERT_EVENT_TYPE &&
          (m.metadata.event_payload as Record<string, unknown> | undefined)?.key === key,
      );
      if (hit?.ts) return hit.ts;
      cursor = r.response_metadata?.next_cursor || undefined;
      if (!r.has_more || !cursor) break;
    }
    return null;
  }

  /**
   * The alert with `key` in `channel` since `since`, or null. Slack's own trouble (a 429, a 5xx)
   * is thrown, to be waited out; a lookup Slack will never allow (a scope the app lacks, a channel
   * it cannot read) is given up and the alert posted, said through `onLookupRefused`: a rep told
   * twice is better than one told late.
   */
  async function lookUp(channel: string, key: string, since: string): Promise<Sent | null> {
    try {
      const id = await channelIdOf(channel);
      const ts = id ? await findSent(id, key, since) : null;
      return id && ts ? { to: id, id: ts, found: true } : null;
    } catch (err) {
      if (!(err instanceof AlertError) || err.retryable) throw err;
      options.onLookupRefused?.(err.message);
      return null;
    }
  }

  async function post(channel: string, message: AlertMessage, ref: AlertRef): Promise<Sent> {
    if (ref.lookSince) {
      const found = await lookUp(channel, ref.key, ref.lookSince);
      if (found) return found;
    }
    const r = await call('chat.postMessage', postLimiter(channel), () =>
      client.chat.postMessage({
        channel,
        text: alertMrkdwn(message),
        mrkdwn: true,
        unfurl_links: false,
        metadata: { event_type: ALERT_EVENT_TYPE, event_payload: { key: ref.key } },
      }),
    );
    if (r.channel && !isChannelId(channel)) channelIds.set(channel.replace(/^#/, ''), r.channel);
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
    async direct(userId, message, ref) {
      let channel = dms.get(userId);
      if (!channel) {
        const r = await call('conversations.open', open, () => client.conversations.open({ users: userId }));
        channel = r.channel?.id ?? userId;
        dms.set(userId, channel);
      }
      return post(channel, message, ref);
    },
    post,
    async stop() {
      await Promise.all([lookup, open, history, list, ...posts.values()].map((l) => l.stop()));
    },
  };
}
