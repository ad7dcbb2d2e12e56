/**
 * The agreement workflow served for tests: the shipped mappings copied to a temp folder (tests
 * edit agreement.yaml), a live configuration over a test store, the real app with its
 * `/api/agreement/*` routes and dashboard, and named users with their tokens.
 */
import { cp, mkdtemp, readFile, rm, writeFile } from 'node:fs/promises';
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { PipelineContext } from '../../../src/pipeline/context.ts';
import { liveConfig, type LiveConfigSource } from '../../../src/pipeline/live-config.ts';
import { createMetrics } from '../../../src/pipeline/metrics.ts';
import { logger } from '../../../src/platform/logger.ts';
import { createApp, defaultAgreementInfo } from '../../../src/server/app.ts';
import { addUser } from '../../../src/server/auth.ts';
import type { Store, UserRole } from '../../../src/store/types.ts';
import { makeTestStore } from '../../support/store.ts';

export const API_TOKEN = 'agreement-test-api-token';
const MAPPINGS = join(import.meta.dirname, '..', '..', '..', 'mappings');

/** A parsed JSON answer, as `Response.json()` gives it (read by the tests' expectations). */
type JsonBody = Awaited<ReturnType<Response['json']>>;

export interface AgreementServed {
  url: string;
  dir: string;
  store: Store;
  config: LiveConfigSource;
  /** The shipped agreement.yaml (v7, approved by both in the file). */
  original: string;
  /** Tokens of the named users: dana (marketing), raj (sales), vic (viewer). */
  tokens: Record<'dana' | 'raj' | 'vic', string>;
  /** The clock the live configuration and the app read; tests move it. */
  clock: { now: number };
  writeAgreement(text: string): Promise<void>;
  /** A JSON request with `token` as the bearer; answers status and body. */
  call(method: string, path: string, token: string, body?: unknown): Promise<{ status: number; body: JsonBody }>;
  close(): Promise<void>;
}

/** v8 of the shipped agreement, as a draft: the MQL fit threshold changed and the file's approval dates gone. */
export function draftOf(text: string, version = 8, fit = 45): string {
  return text
    .replace(/^version: \d+/m, `version: ${version}`)
    .replace('{ score: fit, gte: 40 }', `{ score: fit, gte: ${fit} }`)
    .replace(/, approved: [\d-]+ \}/g, ' }');
}

export async function serveAgreement(): Promise<AgreementServed> {
  const dir = await mkdtemp(join(tmpdir(), 'baton-agreement-'));
  for (const f of ['agreement.yaml', 'fields.yaml']) await cp(join(MAPPINGS, f), join(dir, f));
  const original = await readFile(join(dir, 'agreement.yaml'), 'utf8');
  const ts = await makeTestStore();
  const clock = { now: Date.parse('2026-12-01T10:00:00Z') };
  const now = () => new Date(clock.now);
  const config = liveConfig(dir, ts.store, logger, now);
  const first = await config.reload();
  if (!first.ok) throw new Error(first.message);
  const ctx: PipelineContext = {
    store: ts.store,
    connectors: {},
    config: () => config.current(),
    now,
    instanceId: 'agreement-test',
    metrics: createMetrics('agreement-test'),
    log: logger,
  };
  const app = await createApp({
    ctx,
    token: API_TOKEN,
    receivers: {},
    live: config,
    agreementInfo: () => ({
      ...defaultAgreementInfo(ctx),
      liveAt: config.liveAt(),
      draft: config.refused()?.draft ?? null,
    }),
  });
  const server: Server = createServer(app);
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const url = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
  const users: [keyof AgreementServed['tokens'], string, UserRole][] = [
    ['dana', 'Dana Lee', 'marketing'],
    ['raj', 'Raj Patel', 'sales'],
    ['vic', 'Vic Viewer', 'viewer'],
  ];
  const tokens = {} as AgreementServed['tokens'];
  for (const [key, name, role] of users)
    tokens[key] = (await addUser(ts.store, { name, email: `${key}@acme.example`, role }, now())).token;
  return {
    url,
    dir,
    store: ts.store,
    config,
    original,
    tokens,
    clock,
    writeAgreement: (text) => writeFile(join(dir, 'agreement.yaml'), text),
    async call(method, path, token, body) {
      const res = await fetch(url + path, {
        method,
        headers: {
          authorization: `Bearer ${token}`,
          ...(body !== undefined ? { 'content-type': 'application/json' } : {}),
        },
        ...(body !== undefined ? { body: JSON.stringify(body) } : {}),
      });
      return { status: res.status, body: await res.json() };
    },
    async close() {
      config.close();
      await new Promise<void>((resolve) => server.close(() => resolve()));
      await ts.cleanup();
      await rm(dir, { recursive: true, force: true });
    },
  };
}
