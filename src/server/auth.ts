/**
 * Authentication of `/api/*` and the dashboard: a bearer token, or a server-side session the
 * dashboard's login starts. The token is the API token (`BATON_API_TOKEN`, for machines) or a
 * named user's (`baton users add`, stored only as a hash). The cookie holds a random session id;
 * the store keeps only its hash, the hash of the token it was made with (a new `BATON_API_TOKEN`
 * ends every old session; a removed user's sessions end with them), its last use (idle timeout)
 * and its absolute end. Logout deletes it, so a replayed cookie is 401.
 */
import { createHash, randomBytes } from 'node:crypto';
import type { NextFunction, Request, Response } from 'express';
import { safeEqual } from '../platform/signature.ts';
import type { Store, UserRole, UserRow } from '../store/types.ts';
import { originProblem } from './origin.ts';
import { BatonError } from '../platform/errors.ts';

export const SESSION_COOKIE = 'baton_session';

/** How long a session lives: unused for `idleMs`, or `absoluteMs` after the login, it ends. */
export interface SessionSettings {
  idleMs: number;
  absoluteMs: number;
}

/** 12 hours idle, 7 days at most. */
export const DEFAULT_SESSION_SETTINGS: SessionSettings = { idleMs: 12 * 3_600_000, absoluteMs: 7 * 86_400_000 };

/** A use refreshes `seen_at` at most once a minute: one write a minute per session, not one per request. */
const TOUCH_EVERY_MS = 60_000;

/** `BATON_SESSION_IDLE_MINUTES` and `BATON_SESSION_MAX_HOURS`, else the defaults; a value that is not a positive number is refused. */
export function sessionSettingsFromEnv(env: Record<string, string | undefined>): SessionSettings {
  const read = (name: string, unitMs: number, fallback: number) => {
    const v = env[name];
    if (v === undefined || v === '') return fallback;
    const n = Number(v);
    if (!Number.isFinite(n) || n <= 0)
      throw new BatonError('bad_env', `${name}: expected a positive number, got '${v}'`, {
        details: { variable: name },
      });
    return n * unitMs;
  };
  return {
    idleMs: read('BATON_SESSION_IDLE_MINUTES', 60_000, DEFAULT_SESSION_SETTINGS.idleMs),
    absoluteMs: read('BATON_SESSION_MAX_HOURS', 3_600_000, DEFAULT_SESSION_SETTINGS.absoluteMs),
  };
}

const sha256 = (s: string) => createHash('sha256').update(s).digest('hex');

/** What the store keeps of a session id. */
export function sessionIdHash(id: string): string {
  return sha256(`baton-session-id:${id}`);
}

/** What the store keeps of the token a session was made with. */
export function tokenHash(token: string): string {
  return sha256(`baton-session-token:${token}`);
}

/** What the store keeps of a named user's token. */
export function userTokenHash(token: string): string {
  return sha256(`baton-user-token:${token}`);
}

/** A new user token: printed once by `baton users add`, never stored. */
export function newUserToken(): string {
  return `baton_u_${randomBytes(24).toString('base64url')}`;
}

/** Adds a named user with a new token; the token is returned once and only its hash is stored. */
export async function addUser(
  store: Store,
  u: { name: string; email: string; role: UserRole },
  now: Date,
): Promise<{ user: UserRow; token: string }> {
  const token = newUserToken();
  const user = await store.createUser({ ...u, tokenHash: userTokenHash(token), createdAt: now.toISOString() });
  return { user, token };
}

/** Reads one cookie from a request's `Cookie` header; a value that does not decode counts as absent. */
export function readCookie(req: Request, name: string): string | undefined {
  const header = req.headers.cookie;
  if (!header) return undefined;
  for (const part of header.split(';')) {
    const [k, ...v] = part.trim().split('=');
    if (k !== name) continue;
    try {
      return decodeURIComponent(v.join('='));
    } catch {
      return undefined;
    }
  }
  return undefined;
}

export interface AuthDeps {
  store: Store;
  /** `BATON_API_TOKEN`. */
  token: string;
  now: () => Date;
  sessions?: SessionSettings;
  /** `BATON_PUBLIC_URL`: its origin is accepted beside the request's own. */
  publicUrl?: string;
}

export type AuthKind = 'bearer' | 'session';

/** Who made a request: how, and the named user (null for the API token). */
export interface Principal {
  kind: AuthKind;
  user: UserRow | null;
}

/** Bearer tokens and sessions of one app. */
export interface Auth {
  /** How the request is authenticated, or null. */
  check(req: Request): Promise<AuthKind | null>;
  /** How the request is authenticated and by whom, or null. */
  principal(req: Request): Promise<Principal | null>;
  /** The named user whose token this is, or null. */
  userOfToken(token: string): Promise<UserRow | null>;
  /** Starts a session (of a named user, signed in with their token, or of the API token); returns the `Set-Cookie` header. */
  login(req: Request, as?: { user: UserRow; token: string }): Promise<string>;
  /** Ends the request's session, if any; returns the `Set-Cookie` header that clears the cookie. */
  logout(req: Request): Promise<string>;
  /** Why a state-changing request made with the session cookie (or a login) is not from Baton's own pages, or null. */
  originProblem(req: Request): string | null;
  /** Express middleware: 401 unless authenticated; 403 for a cookie-authenticated state change from another origin. Sets `res.locals.principal`. */
  require: (req: Request, res: Response, next: NextFunction) => void;
  /** Deletes ended sessions and those of another token (at start: a rotated token ends the old sessions at once). */
  prune(): Promise<number>;
}

const SAFE_METHODS = new Set(['GET', 'HEAD', 'OPTIONS']);

/** True when the request carries the bearer token. */
export function hasBearer(req: Request, token: string): boolean {
  const auth = req.headers.authorization;
  return !!auth?.startsWith('Bearer ') && safeEqual(auth.slice(7).trim(), token);
}

/** The authentication of one app over its store. */
export function createAuth(deps: AuthDeps): Auth {
  const settings = deps.sessions ?? DEFAULT_SESSION_SETTINGS;
  const currentToken = tokenHash(deps.token);
  const cookie = (value: string, maxAgeS: number, secure: boolean) =>
    `${SESSION_COOKIE}=${value}; HttpOnly; SameSite=Strict; Path=/; Max-Age=${maxAgeS}${secure ? '; Secure' : ''}`;

  async function session(req: Request): Promise<Principal | null> {
    const id = readCookie(req, SESSION_COOKIE);
    if (!id || !/^[A-Za-z0-9_-]{43}$/.test(id)) return null;
    const hash = sessionIdHash(id);
    const row = await deps.store.getSession(hash);
    if (!row) return null;
    const now = deps.now().getTime();
    // A user's session lasts while the user does, with the token it was made with.
    const user = row.userId != null ? await deps.store.userByTokenHash(row.tokenHash) : null;
    const ended =
      (row.userId != null ? user?.id !== row.userId : row.tokenHash !== currentToken) ||
      Date.parse(row.expiresAt) <= now ||
      Date.parse(row.seenAt) + settings.idleMs <= now;
    if (ended) {
      await deps.store.deleteSession(hash);
      return null;
    }
    if (now - Date.parse(row.seenAt) >= TOUCH_EVERY_MS)
      await deps.store.touchSession(hash, new Date(now).toISOString());
    return { kind: 'session', user };
  }

  const userOfToken = (token: string) =>
    token.startsWith('baton_u_') ? deps.store.userByTokenHash(userTokenHash(token)) : Promise.resolve(null);

  async function principal(req: Request): Promise<Principal | null> {
    if (hasBearer(req, deps.token)) return { kind: 'bearer', user: null };
    const auth = req.headers.authorization;
    if (auth?.startsWith('Bearer ')) {
      const user = await userOfToken(auth.slice(7).trim());
      if (user) return { kind: 'bearer', user };
    }
    return session(req);
  }

  const prune = () => {
    const now = deps.now();
    return deps.store.pruneSessions({
      now: now.toISOString(),
      idleBefore: new Date(now.getTime() - settings.idleMs).toISOString(),
      tokenHash: currentToken,
    });
  };

  const auth: Auth = {
    prune,
    principal,
    userOfToken,
    async check(req) {
      return (await principal(req))?.kind ?? null;
    },
    async login(req, as) {
      const id = randomBytes(32).toString('base64url');
      const now = deps.now();
      const at = now.toISOString();
      await deps.store.createSession({
        idHash: sessionIdHash(id),
        tokenHash: as ? userTokenHash(as.token) : currentToken,
        createdAt: at,
        seenAt: at,
        expiresAt: new Date(now.getTime() + settings.absoluteMs).toISOString(),
        userId: as?.user.id ?? null,
      });
      // Login is rare: a good moment to forget ended sessions and those of an older token.
      await prune();
      return cookie(id, Math.floor(settings.absoluteMs / 1000), req.secure);
    },
    async logout(req) {
      const id = readCookie(req, SESSION_COOKIE);
      if (id) await deps.store.deleteSession(sessionIdHash(id));
      return cookie('', 0, req.secure);
    },
    originProblem: (req) => originProblem(req, deps.publicUrl),
    require(req, res, next) {
      principal(req).then((who) => {
        if (!who)
          return void res
            .status(401)
            .json({ error: 'unauthorized', message: 'a bearer token or a dashboard session is required' });
        const problem = who.kind === 'session' && !SAFE_METHODS.has(req.method) ? auth.originProblem(req) : null;
        if (problem) return void res.status(403).json({ error: 'cross_origin', message: problem, field: 'origin' });
        res.locals.principal = who;
        next();
      }, next);
    },
  };
  return auth;
}
