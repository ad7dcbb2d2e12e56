/**
 * A Slack Web API emulation for the tests and the demo: the methods Baton calls
 * (`users.lookupByEmail`, `conversations.open`, `chat.postMessage`, `auth.test`) with the real
 * API's shapes (`{ ok: true, ... }`, `{ ok: false, error }` with HTTP 200, e.g. `users_not_found`,
 * `channel_not_found`, `invalid_auth`), and its rate-limit answers: HTTP 429 with `Retry-After` in
 * seconds once a method's tier is used up within a minute (or when a test asks for one).
 */
import type { FakeApi, FakeRequest, FakeResponse } from '../types.ts';

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
}

/** Per-minute limits of the emulated methods (Tier 3: 50; `chat.postMessage` about 60 a minute per workspace here). */
const TIERS: Record<string, number> = {
  'users.lookupByEmail': 50,
  'conversations.open': 50,
  'chat.postMessage': 60,
  'auth.test': 100,
};

export interface SlackSandbox extends FakeApi {
  readonly token: string;
  readonly users: SlackUser[];
  readonly messages: SlackMessage[];
  /** Calls made, by method, including refused ones. */
  readonly calls: Map<string, number>;
  addUser(user: SlackUser): void;
  addChannel(name: string, id?: string): string;
  /** The next `count` calls of `method` answer 429 with `Retry-After: seconds`. */
  rateLimitNext(method: string, seconds: number, count?: number): void;
  /** Messages posted to a channel (by name or id) or sent to a user (by email) as a DM. */
  to(target: string): SlackMessage[];
}

/** Creates an empty workspace with bot token `token`. */
export function createSlackSandbox(token = 'xoxb-sandbox'): SlackSandbox {
  const users: SlackUser[] = [];
  const channels = new Map<string, string>(); // name (without #) → id
  const dms = new Map<string, string>(); // user id → D… id
  const messages: SlackMessage[] = [];
  const calls = new Map<string, number>();
  const forced = new Map<string, { seconds: number; count: number }>();
  const windows = new Map<string, number[]>();
  let seq = 0;

  const ok = (body: Record<string, unknown>): FakeResponse => ({ status: 200, body: { ok: true, ...body } });
  const fail = (error: string): FakeResponse => ({ status: 200, body: { ok: false, error } });

  function params(req: FakeRequest): Record<string, string> {
    const out: Record<string, string> = Object.fromEntries(req.url.searchParams);
    if (!req.body) return out;
    if ((req.headers['content-type'] ?? '').includes('json')) {
      const json = JSON.parse(req.body) as Record<string, unknown>;
      for (const [k, v] of Object.entries(json)) out[k] = typeof v === 'string' ? v : JSON.stringify(v);
    } else for (const [k, v] of new URLSearchParams(req.body)) out[k] = v;
    return out;
  }

  function limited(method: string): FakeResponse | null {
    const f = forced.get(method);
    if (f && f.count > 0) {
      f.count--;
      return { status: 429, headers: { 'retry-after': String(f.seconds) }, body: { ok: false, error: 'ratelimited' } };
    }
    const now = Date.now();
    const starts = (windows.get(method) ?? []).filter((t) => t > now - 60_000);
    if (starts.length >= (TIERS[method] ?? 20)) {
      windows.set(method, starts);
      const wait = Math.max(1, Math.ceil((starts[0] + 60_000 - now) / 1000));
      return { status: 429, headers: { 'retry-after': String(wait) }, body: { ok: false, error: 'ratelimited' } };
    }
    starts.push(now);
    windows.set(method, starts);
    return null;
  }

  function channelId(target: string): string | undefined {
    if (/^[CDG][A-Z0-9]+$/.test(target)) return target;
    return channels.get(target.replace(/^#/, ''));
  }

  const api: SlackSandbox = {
    token,
    users,
    messages,
    calls,
    addUser: (u) => void users.push(u),
    addChannel(name, id) {
      const cid = id ?? `C${String(channels.size + 1).padStart(8, '0')}`;
      channels.set(name.replace(/^#/, ''), cid);
      return cid;
    },
    rateLimitNext(method, seconds, count = 1) {
      forced.set(method, { seconds, count });
    },
    to(target) {
      const user = users.find((u) => u.email.toLowerCase() === target.toLowerCase());
      if (user) return messages.filter((m) => m.user === user.id);
      const id = channelId(target);
      return messages.filter((m) => m.channel === id);
    },
    handle(req) {
      const m = /^\/api\/([a-zA-Z.]+)$/.exec(req.url.pathname);
      if (!m) return null;
      const method = m[1];
      calls.set(method, (calls.get(method) ?? 0) + 1);
      const p = params(req);
      const auth = req.headers.authorization ?? (p.token ? `Bearer ${p.token}` : '');
      if (!auth) return fail('not_authed');
      if (auth !== `Bearer ${token}`) return fail('invalid_auth');
      const refused = limited(method);
      if (refused) return refused;
      switch (method) {
        case 'auth.test':
          return ok({ url: 'https://sandbox.slack.example/', team: 'Sandbox', user: 'baton', bot_id: 'B0BATON' });
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
        case 'chat.postMessage': {
          if (!p.channel) return fail('channel_not_found');
          if (!p.text && !p.blocks) return fail('no_text');
          const id = channelId(p.channel);
          const dmUser = [...dms].find(([, d]) => d === id)?.[0];
          if (!id || (id.startsWith('C') && ![...channels.values()].includes(id)) || (id.startsWith('D') && !dmUser))
            return fail('channel_not_found');
          const ts = `${Math.floor(Date.now() / 1000)}.${String(++seq).padStart(6, '0')}`;
          const msg: SlackMessage = { channel: id, text: p.text ?? '', ts, ...(dmUser ? { user: dmUser } : {}) };
          messages.push(msg);
          return ok({ channel: id, ts, message: { type: 'message', text: msg.text, ts, bot_id: 'B0BATON' } });
        }
        default:
          return fail('unknown_method');
      }
    },
  };
  return api;
}
