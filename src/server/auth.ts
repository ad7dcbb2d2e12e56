/**
 * Authentication of `/api/*` and the dashboard: a bearer token, or the session cookie the
 * dashboard's login sets. The cookie holds an HMAC of the token, never the token itself, so every
 * instance can check it and the token never travels in a URL or a log.
 */
import type { NextFunction, Request, Response } from 'express';
import { hmacHex, safeEqual } from '../platform/signature.ts';

export const SESSION_COOKIE = 'baton_session';

/** The cookie value that proves a login with `token`. */
export function sessionValue(token: string): string {
  return hmacHex(token, 'baton-dashboard-session-v1');
}

/** `Set-Cookie` attributes of the session cookie. */
export function sessionCookieHeader(token: string, secure: boolean): string {
  return `${SESSION_COOKIE}=${sessionValue(token)}; HttpOnly; SameSite=Strict; Path=/; Max-Age=43200${secure ? '; Secure' : ''}`;
}

/** Reads one cookie from a request's `Cookie` header. */
export function readCookie(req: Request, name: string): string | undefined {
  const header = req.headers.cookie;
  if (!header) return undefined;
  for (const part of header.split(';')) {
    const [k, ...v] = part.trim().split('=');
    if (k === name) return decodeURIComponent(v.join('='));
  }
  return undefined;
}

/** True when the request carries the bearer token or a valid session cookie. */
export function isAuthorized(req: Request, token: string): boolean {
  const auth = req.headers.authorization;
  if (auth?.startsWith('Bearer ') && safeEqual(auth.slice(7).trim(), token)) return true;
  const cookie = readCookie(req, SESSION_COOKIE);
  return !!cookie && safeEqual(cookie, sessionValue(token));
}

/** Express middleware: 401 with a JSON error unless the request is authorized. */
export function requireAuth(token: string) {
  return (req: Request, res: Response, next: NextFunction) => {
    if (isAuthorized(req, token)) return next();
    res.status(401).json({ error: 'unauthorized', message: 'a bearer token or a dashboard session is required' });
  };
}
