/**
 * Where a browser request comes from. A cookie-authenticated state change (and a login or logout)
 * must come from Baton's own pages: `Origin` (or, when absent or `null`, `Sec-Fetch-Site`, then `Referer`)
 * must name the request's own origin or `BATON_PUBLIC_URL`'s. A request that says nothing of
 * where it comes from is refused too: every browser names it on a POST.
 */
import type { Request } from 'express';

function originOf(url: string): string | null {
  try {
    const u = new URL(url);
    return u.protocol === 'http:' || u.protocol === 'https:' ? u.origin : null;
  } catch {
    return null;
  }
}

/** The origins Baton's own pages are served from. */
export function ownOrigins(req: Request, publicUrl?: string): Set<string> {
  const out = new Set<string>();
  const host = req.get('host');
  if (host) {
    const own = originOf(`${req.protocol}://${host}`);
    if (own) out.add(own);
  }
  const pub = publicUrl ? originOf(publicUrl) : null;
  if (pub) out.add(pub);
  return out;
}

/** Why the request is not from Baton's own origin, or null when it is. */
export function originProblem(req: Request, publicUrl?: string): string | null {
  const own = ownOrigins(req, publicUrl);
  const origin = req.get('origin')?.trim();
  const site = req.get('sec-fetch-site');
  // The dashboard's `Referrer-Policy: no-referrer` makes browsers send `Origin: null` on its own forms; `Sec-Fetch-Site` then decides.
  if (origin !== undefined && (origin !== 'null' || site === undefined))
    return own.has(origin) ? null : 'origin: the request comes from another site';
  if (site !== undefined)
    return site === 'same-origin' || site === 'none' ? null : 'origin: the request comes from another site';
  const referer = req.get('referer');
  if (referer !== undefined) {
    const from = originOf(referer);
    return from && own.has(from) ? null : 'origin: the request comes from another site';
  }
  return 'origin: an Origin header naming this Baton is required';
}
