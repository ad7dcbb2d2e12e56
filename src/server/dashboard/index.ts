/**
 * The dashboard: `GET /` (the page, or the login form without a session), `POST /login`,
 * `POST /logout`, `GET /api/dashboard?from&to`, and the page's own assets. Served by Baton itself,
 * no internet, no build step. Mount it at `/`: `app.use(dashboardRouter(deps))`.
 */
import { createRequire } from 'node:module';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import express, { type NextFunction, type Request, type Response } from 'express';
import { createAuth } from '../auth.ts';
import { BatonError } from '../../platform/errors.ts';
import { handleLogin, handleLogout, PAGE_HEADERS, sendLogin } from './login.ts';
import { loadDashboard, parseInstant } from './queries.ts';
import type { DashboardDeps } from './types.ts';

export type { DashboardDeps, DashboardSummary, HealthInfo, AgreementInfo } from './types.ts';
export { summarize } from './summary.ts';

const PUBLIC_DIR = join(dirname(fileURLToPath(import.meta.url)), 'public');
/** Chart.js ships its browser build beside its CommonJS entry; its `exports` hide the file itself. */
const CHART_JS = join(dirname(createRequire(import.meta.url).resolve('chart.js')), 'chart.umd.js');

const ASSETS: Record<string, { file: string; type: string }> = {
  // The page's script is ES modules: app.js imports the panels, which import dom.js.
  ...Object.fromEntries(
    [
      'app.js',
      'dom.js',
      'panels.js',
      'panels-loop.js',
      'panels-attribution.js',
      'panels-outcomes.js',
      'panels-versions.js',
      'panels-rescore.js',
      'panels-preview.js',
      'person.js',
    ].map((name) => [name, { file: join(PUBLIC_DIR, name), type: 'text/javascript' }]),
  ),
  'app.css': { file: join(PUBLIC_DIR, 'app.css'), type: 'text/css' },
  'chart.js': { file: CHART_JS, type: 'text/javascript' },
  'favicon.svg': { file: join(PUBLIC_DIR, 'favicon.svg'), type: 'image/svg+xml' },
};

/** The dashboard's express router. */
export function dashboardRouter(deps: DashboardDeps): express.Router {
  const router = express.Router();
  const form = express.urlencoded({ extended: false, limit: '4kb' });
  const auth = deps.auth ?? createAuth({ store: deps.store, token: deps.token, now: deps.now ?? (() => new Date()) });

  router.get('/', async (req, res) => {
    if (!(await auth.check(req))) return sendLogin(res);
    res.set(PAGE_HEADERS).sendFile(join(PUBLIC_DIR, 'index.html'));
  });
  router.post('/login', form, handleLogin(auth, deps.token));
  router.post('/logout', handleLogout(auth));
  router.get('/favicon.ico', (_req, res) => res.redirect(301, '/assets/favicon.svg'));

  router.get('/assets/:name', (req, res, next) => {
    const asset = ASSETS[req.params.name];
    if (!asset) return next();
    res.set({ 'Cache-Control': 'no-cache', 'X-Content-Type-Options': 'nosniff' }).type(asset.type).sendFile(asset.file);
  });

  router.get('/api/dashboard', auth.require, async (req, res, next) => {
    try {
      const from = parseInstant(req.query.from, 'from');
      const to = parseInstant(req.query.to, 'to');
      res.json(await loadDashboard(deps, from, to));
    } catch (err) {
      next(err);
    }
  });

  // Errors of this router's own routes answer JSON; anything else goes on to the app's handler.
  router.use('/api/dashboard', (err: unknown, _req: Request, res: Response, next: NextFunction) => {
    if (!(err instanceof BatonError) || err.code !== 'bad_input') return next(err);
    res.status(400).json({ error: err.code, field: err.details.field, message: err.message });
  });
  return router;
}
