/**
 * A Slack Web API emulation for the tests and the demo: the methods Baton calls
 * (`users.lookupByEmail`, `conversations.open`, `conversations.list`, `conversations.history`,
 * `chat.postMessage`, `auth.test`) with the real API's shapes (`{ ok: true, ... }`,
 * `{ ok: false, error }` with HTTP 200, e.g. `users_not_found`, `channel_not_found`,
 * `invalid_auth`, `invalid_metadata_format`), message `metadata` kept and returned by
 * `conversations.history` only with `include_all_metadata`, cursor pagination, and the rate-limit
 * answers: HTTP 429 with `Retry-After` in seconds once a method's tier is used up within a minute
 * (`chat.postMessage`: per channel), or when a test asks for one.
 */
import type { FakeApi, FakeRequest, FakeResponse } from '../types.ts';
import { slackPage, type Page } from './pages.ts';

export interface SlackUser {
  id: string;
  email: string;
  name: string;
}

/** One message Slack received. */
export interface SlackMessage {
  channel: string;
  /** The user of a DM channel. */
  user?: string;
  text: string;
  ts: string;
  /** The message's `metadata` (`event_type`, `event_payload`), when posted with one. */
  metadata?: { event_type: string; event_payload: Record<string, unknown> };
}

/**
 * Per-minute limits of the emulated methods (https://docs.slack.dev/apis/web-api/rate-limits):
 * Tier 2 20, Tier 3 50 (internal and Marketplace apps; `conversations.history` is 1 a minute for
 * commercially distributed non-Marketplace apps), `chat.postMessage` about one a second per channel
 * with short bursts, here 60 a minute per channel.
 */
export const SANDBOX_TIERS: Record<string, number> = {
  'users.lookupByEmail': 50,
  'conversations.open': 50,
  'conversations.history': 50,
  'conversations.list': 20,
  'chat.postMessage': 60,
  'auth.test': 100,
};

/** The bot user Baton's token belongs to. */
export const SANDBOX_BOT = { user: 'U0BATON', bot_id: 'B0BATON', app_id: 'A0BATON' } as const;

/**
 * Runs after Slack stored a posted message and before it answers; the answer waits for it. A test
 * kills its client here (Slack accepted, the client never heard), or returns a response to answer
 * instead (e.g. a 500 after the message was stored).
 */
export type AfterPost = (message: SlackMessage) => Promise<FakeResponse | void> | FakeResponse | void;

export interface SlackSandbox extends FakeApi {
  readonly token: string;
  readonly users: SlackUser[];
  readonly messages: SlackMessage[];
  /** Calls made, by method, including refused ones. */
  readonly calls: Map<string, number>;
  /** When each call was made (ms), by method, including refused ones. */
  readonly callTimes: Map<string, number[]>;
  addUser(user: SlackUser): void;
  addChannel(name: string, id?: string): string;
  /** The next `count` calls of `method` answer 429 with `Retry-After: seconds`. */
  rateLimitNext(method: string, seconds: number, count?: number): void;
  /** The bot token's scopes (every scope Baton asks for, at first); a method needing one it lacks answers `missing_scope`. */
  readonly scopes: Set<string>;
  /** Sets (or clears, with null) the hook run after each stored `chat.postMessage`. */
  afterPost(hook: AfterPost | null): void;
  /** Messages posted to a channel (by name or id) or sent to a user (by email) as a DM. */
  to(target: string): SlackMessage[];
}

/** The scope a call needs (`conversations.history` by the kind of conversation). */
function neededScope(method: string, p: Record<string, string>): string | null {
  switch (method) {
    case 'users.lookupByEmail':
      return 'users:read.email';
    case 'conversations.open':
      return 'im:write';
    case 'conversations.list':
      return 'channels:read';
    case 'chat.postMessage':
      return 'chat:write';
    case 'conversations.history':
      return p.channel?.startsWith('D')
        ? 'im:history'
        : p.channel?.startsWith('G')
          ? 'groups:history'
          : 'channels:history';
    default:
      return null;
  }
}

const ALL_SCOPES = [
  'chat:write',
  'im:write',
  'users:read.email',
  'im:history',
  'channels:history',
  'groups:history',
  'channels:read',
  'groups:read',
];

/** Creates an empty workspace with bot token `token`. */
export function createSlackSandbox(token = 'xoxb-sandbox'): SlackSandbox {
  const scopes = new Set(ALL_SCOPES);
  const users: SlackUser[] = [];
  const channels = new Map<string, string>(); // name (without #) → id
  const dms = new Map<string, string>(); // user id → D… id
  const messages: SlackMessage[] = [];
  const calls = new Map<string, number>();
  const callTimes = new Map<string, number[]>();
  const forced = new Map<string, { seconds: number; count: number }>();
  const windows = new Map<string, number[]>();
  let hook: AfterPost | null = null;
  let seq = 0;

  const ok = (body: Record<string, unknown>): FakeResponse => ({ status: 200, body: { ok: true, ...body } });
  const fail = (error: string): FakeResponse => ({ status: 200, body: { ok: false, error } });
  const ratelimited = (seconds: number): FakeResponse => ({
    status: 429,
    headers: { 'retry-after': String(seconds) },
    body: { ok: false, error: 'ratelimited' },
  });

  function params(req: FakeRequest): Record<string, string> {
    const out: Record<string, string> = Object.fromEntries(req.url.searchParams);
    if (!req.body) return out;
    if ((req.headers['content-type'] ?? '').includes('json')) {
      const json = JSON.parse(req.body) as Record<string, unknown>;
      for (const [k, v] of Object.entries(json)) out[k] = typeof v === 'string' ? v : JSON.stringify(v);
    } else for (const [k, v] of new URLSearchParams(req.body)) out[k] = v;
    return out;
  }

  /** A 429 when `bucket` (a method, or a method and channel) used its minute's tier. */
  function limited(method: string, bucket: string): FakeResponse | null {
    const f = forced.get(method);
    if (f && f.count > 0) {
      f.count--;
      return ratelimited(f.seconds);
    }
    const now = Date.now();
    const starts = (windows.get(bucket) ?? []).filter((t) => t > now - 60_000);
    if (starts.length >= (SANDBOX_TIERS[method] ?? 20)) {
      windows.set(bucket, starts);
      return ratelimited(Math.max(1, Math.ceil((starts[0] + 60_000 - now) / 1000)));
    }
    starts.push(now);
    windows.set(bucket, starts);
    return null;
  }

  function channelId(target: string): string | undefined {
    if (/^[CDG][A-Z0-9]+$/.test(target)) return target;
    return channels.get(target.replace(/^#/, ''));
  }

  const known = (id: string | undefined): id is string =>
    id !== undefined && (id.startsWith('D') ? [...dms.values()].includes(id) : [...channels.values()].includes(id));

  /** Slack's message object as `conversations.history` returns it (a bot's message). */
  function asHistory(m: SlackMessage, withMetadata: boolean): Record<string, unknown> {
    return {
      type: 'message',
      ...SANDBOX_BOT,
      text: m.text,
      ts: m.ts,
      team: 'T0SANDBOX',
      ...(withMetadata && m.metadata ? { metadata: m.metadata } : {}),
    };
  }

  function parseMetadata(raw: string | undefined): SlackMessage['metadata'] | 'invalid' | undefined {
    if (raw === undefined || raw === '') return undefined;
    try {
      const m = JSON.parse(raw) as { event_type?: unknown; event_payload?: unknown };
      if (typeof m?.event_type !== 'string' || typeof m.event_payload !== 'object' || m.event_payload === null)
        return 'invalid';
      return { event_type: m.event_type, event_payload: m.event_payload as Record<string, unknown> };
    } catch {
      return 'invalid';
    }
  }

  async function postMessage(p: Record<string, string>): Promise<FakeResponse> {
    if (!p.channel) return fail('channel_not_found');
    if (!p.text && !p.blocks) return fail('no_text');
    const id = channelId(p.channel);
    if (!known(id)) return fail('channel_not_found');
    const metadata = parseMetadata(p.metadata);
    if (metadata === 'invalid') return fail('invalid_metadata_format');
    const dmUser = [...dms].find(([, d]) => d === id)?.[0];
    const ts = `${Math.floor(Date.now() / 1000)}.${String(++seq).padStart(6, '0')}`;
    const msg: SlackMessage = {
      channel: id,
      text: p.text ?? '',
      ts,
      ...(dmUser ? { user: dmUser } : {}),
      ...(metadata ? { metadata } : {}),
    };
    messages.push(msg);
    const instead = hook ? await hook(msg) : undefined;
    if (instead) return instead;
    return ok({ channel: id, ts, message: asHistory(msg, true) });
  }

  function history(p: Record<string, string>): FakeResponse {
    const id = p.channel;
    if (!id || !known(id)) return fail('channel_not_found');
    const inclusive = p.inclusive === 'true' || p.inclusive === '1';
    const oldest = p.oldest ? Number(p.oldest) : 0;
    const latest = p.latest ? Number(p.latest) : Infinity;
    const inRange = (ts: number) =>
      (inclusive ? ts >= oldest : ts > oldest) && (inclusive || !p.latest ? ts <= latest : ts < latest);
    const all = messages.filter((m) => m.channel === id && inRange(Number(m.ts))).reverse(); // newest first
    const withMetadata = p.include_all_metadata === 'true' || p.include_all_metadata === '1';
    const page: Page<SlackMessage> | 'invalid' = slackPage(all, p.cursor, p.limit, 100, 999);
    if (page === 'invalid') return fail('invalid_cursor');
    return ok({
      messages: page.items.map((m) => asHistory(m, withMetadata)),
      has_more: page.next !== '',
      pin_count: 0,
      response_metadata: { next_cursor: page.next },
    });
  }

  function list(p: Record<string, string>): FakeResponse {
    const types = (p.types || 'public_channel').split(',');
    const all = types.includes('public_channel')
      ? [...channels].map(([name, id]) => ({
          id,
          name,
          is_channel: true,
          is_private: false,
          is_archived: false,
          is_member: true,
        }))
      : [];
    const page = slackPage(all, p.cursor, p.limit, 100, 1000);
    if (page === 'invalid') return fail('invalid_cursor');
    return ok({ channels: page.items, response_metadata: { next_cursor: page.next } });
  }

  const api: SlackSandbox = {
    token,
    users,
    messages,
    calls,
    callTimes,
    scopes,
    addUser: (u) => void users.push(u),
    addChannel(name, id) {
      const cid = id ?? `C${String(channels.size + 1).padStart(8, '0')}`;
      channels.set(name.replace(/^#/, ''), cid);
      return cid;
    },
    rateLimitNext(method, seconds, count = 1) {
      forced.set(method, { seconds, count });
    },
    afterPost(h) {
      hook = h;
    },
    to(target) {
      const user = users.find((u) => u.email.toLowerCase() === target.toLowerCase());
      if (user) return messages.filter((m) => m.user === user.id);
      const id = channelId(target);
      return messages.filter((m) => m.channel === id);
    },
    async handle(req) {
      const m = /^\/api\/([a-zA-Z.]+)$/.exec(req.url.pathname);
      if (!m) return null;
      const method = m[1];
      calls.set(method, (calls.get(method) ?? 0) + 1);
      callTimes.set(method, [...(callTimes.get(method) ?? []), Date.now()]);
      const p = params(req);
      const auth = req.headers.authorization ?? (p.token ? `Bearer ${p.token}` : '');
      if (!auth) return fail('not_authed');
      if (auth !== `Bearer ${token}`) return fail('invalid_auth');
      const bucket = method === 'chat.postMessage' ? `${method}:${channelId(p.channel ?? '') ?? p.channel}` : method;
      const refused = limited(method, bucket);
      if (refused) return refused;
      const needed = neededScope(method, p);
      if (needed && !scopes.has(needed))
        return { status: 200, body: { ok: false, error: 'missing_scope', needed, provided: [...scopes].join(',') } };
      switch (method) {
        case 'auth.test':
          return ok({
            url: 'https://sandbox.slack.example/',
            team: 'Sandbox',
            user: 'baton',
            user_id: SANDBOX_BOT.user,
            bot_id: SANDBOX_BOT.bot_id,
          });
        case 'users.lookupByEmail': {
          if (!p.email) return fail('invalid_arguments');
          const u = users.find((x) => x.email.toLowerCase() === p.email.toLowerCase());
          if (!u) return fail('users_not_found');
          return ok({ user: { id: u.id, name: u.name, real_name: u.name, profile: { email: u.email } } });
        }
        case 'conversations.open': {
          const id = p.users?.split(',')[0];
          if (!id || !users.some((u) => u.id === id)) return fail('user_not_found');
          let dm = dms.get(id);
          if (!dm) {
            dm = `D${id.slice(1)}`;
            dms.set(id, dm);
          }
          return ok({ channel: { id: dm } });
        }
        case 'conversations.list':
          return list(p);
        case 'conversations.history':
          return history(p);
        case 'chat.postMessage':
          return postMessage(p);
        default:
          return fail('unknown_method');
      }
    },
  };
  return api;
}
