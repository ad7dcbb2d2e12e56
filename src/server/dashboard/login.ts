/**
 * The dashboard's login: a form that posts a token (form-encoded, never in a URL): a named user's
 * (`baton users add`) or the API token. When it is right, it sets the session cookie. The token is
 * never echoed, logged or redirected with.
 */
import type { Request, Response } from 'express';
import type { Auth } from '../auth.ts';
import { safeEqual } from '../../platform/signature.ts';

/** Headers every dashboard HTML answer carries: nothing from elsewhere, no framing, no referrer. */
export const PAGE_HEADERS: Record<string, string> = {
  'Content-Security-Policy':
    "default-src 'self'; script-src 'self'; style-src 'self'; img-src 'self' data:; connect-src 'self'; frame-ancestors 'none'; form-action 'self'; base-uri 'none'",
  'X-Frame-Options': 'DENY',
  'Referrer-Policy': 'no-referrer',
  'X-Content-Type-Options': 'nosniff',
  'Cache-Control': 'no-store',
};

/** The login page; `message` (fixed text, never user input) explains a failed attempt. */
export function loginPage(message?: string): string {
  const notice = message ? `<p class="login-error" role="alert" data-testid="login-error">${message}</p>` : '';
  return `<!doctype html>
<html lang="en">
<head>
<meta charset="utf-8">
<meta name="viewport" content="width=device-width, initial-scale=1">
<title>Baton · sign in</title>
<link rel="icon" href="/assets/favicon.svg" type="image/svg+xml">
<link rel="stylesheet" href="/assets/app.css">
</head>
<body class="login-body">
<main class="login-card">
  <div class="brand"><span class="brand-mark" aria-hidden="true"></span>Baton</div>
  <h1>Sign in to the dashboard</h1>
  <p class="muted">Enter your token (from <code>baton users add</code>), or the API token this Baton was started with (<code>BATON_API_TOKEN</code>).</p>
  ${notice}
  <form method="post" action="/login" data-testid="login-form" autocomplete="off">
    <label for="token">Token</label>
    <input id="token" name="token" type="password" required autofocus data-testid="login-token">
    <button type="submit" data-testid="login-submit">Sign in</button>
  </form>
</main>
</body>
</html>`;
}

/** `POST /login`: a right token starts a session and goes to `/`; a wrong one is a 401 with the form; another site's form is 403. */
export function handleLogin(auth: Auth, token: string) {
  return async (req: Request, res: Response) => {
    if (auth.originProblem(req)) return sendLogin(res.status(403), 'Sign in from this Baton’s own page.');
    const body = (req.body ?? {}) as Record<string, unknown>;
    const given = typeof body.token === 'string' ? body.token.trim() : '';
    if (!given) return sendLogin(res.status(401), 'Enter your token or the API token to sign in.');
    if (safeEqual(given, token)) res.setHeader('Set-Cookie', await auth.login(req));
    else {
      const user = await auth.userOfToken(given);
      if (!user)
        return sendLogin(
          res.status(401),
          'That token is not right. Check your token (or <code>BATON_API_TOKEN</code>) and try again.',
        );
      res.setHeader('Set-Cookie', await auth.login(req, { user, token: given }));
    }
    res.redirect(303, '/');
  };
}

/** `POST /logout`: ends the session in the store and clears the cookie; another site's form is 403. */
export function handleLogout(auth: Auth) {
  return async (req: Request, res: Response) => {
    const problem = auth.originProblem(req);
    if (problem) return void res.status(403).json({ error: 'cross_origin', message: problem, field: 'origin' });
    res.setHeader('Set-Cookie', await auth.logout(req));
    res.redirect(303, '/');
  };
}

/** Sends the login form with the page headers. */
export function sendLogin(res: Response, message?: string): void {
  res.set(PAGE_HEADERS).type('html').send(loginPage(message));
}
