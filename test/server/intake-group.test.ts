/** The receivers' intake through group commit: concurrent requests, each answered after its commit, a refused one alone. */
import express from 'express';
import { createServer } from 'node:http';
import type { AddressInfo } from 'node:net';
import { afterEach, beforeEach, expect, test } from 'vitest';
import type { InboxItem } from '../../connectors/types.ts';
import { groupCommitOf } from '../../src/pipeline/inbox/group-commit.ts';
import { createMetrics } from '../../src/pipeline/metrics.ts';
import { logger } from '../../src/platform/logger.ts';
import { createAuth } from '../../src/server/auth.ts';
import { errorHandler } from '../../src/server/errors.ts';
import { apiRouter } from '../../src/server/routes/api.ts';
import { webhookRouter } from '../../src/server/routes/webhooks.ts';
import { makeTestStore, type TestStore } from '../support/store.ts';

let ts: TestStore;
let url: string;
let close: () => Promise<void>;
const TOKEN = 'test-token';

const item = (key: string): InboxItem => ({
  source: 'hubspot',
  dedupKey: key,
  receivedAt: new Date().toISOString(),
  body: {
    kind: 'event',
    event: { id: key, email: 'a@b.example', type: 'page_view', at: '2026-11-20T00:00:00Z', properties: {} },
  },
});

beforeEach(async () => {
  ts = await makeTestStore();
  const metrics = createMetrics('t');
  const app = express();
  app.use(
    webhookRouter({
      store: ts.store,
      metrics,
      // 'refuse' is a delivery the database itself refuses (no dedup key): a store fault of that request alone
      receivers: {
        hubspot: (req) => ({
          ok: true,
          items:
            req.rawBody === 'refuse' ? [{ ...item('r'), dedupKey: null as unknown as string }] : [item(req.rawBody)],
        }),
      },
    }),
  );
  app.use(
    apiRouter({
      ctx: {
        store: ts.store,
        connectors: {},
        config: () => null,
        now: () => new Date(),
        instanceId: 't',
        metrics,
        log: logger,
      },
      auth: createAuth({ store: ts.store, token: TOKEN, now: () => new Date() }),
    }),
  );
  app.use(errorHandler(metrics));
  const server = createServer(app);
  await new Promise<void>((r) => server.listen(0, '127.0.0.1', () => r()));
  url = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
  close = () => new Promise((r) => server.close(() => r()));
});
afterEach(async () => {
  await close();
  await ts.cleanup();
});

const hook = (body: string) =>
  fetch(`${url}/webhooks/hubspot`, { method: 'POST', body, headers: { 'content-type': 'application/json' } });
const event = (id: string) =>
  fetch(`${url}/api/events`, {
    method: 'POST',
    headers: { authorization: `Bearer ${TOKEN}`, 'content-type': 'application/json' },
    body: JSON.stringify({ id, email: 'a@b.example', type: 'page_view', at: '2026-11-20T00:00:00Z' }),
  });

test('concurrent webhooks: each 200 is stored, the refused one alone is a 503, a duplicate in the same burst is a 200', async () => {
  const bodies = [...Array.from({ length: 30 }, (_, i) => `k${i}`), 'refuse', 'k3'];
  const statuses = await Promise.all(bodies.map(async (b) => (await hook(b)).status));
  expect(statuses.filter((s) => s === 200)).toHaveLength(31);
  expect(statuses[30]).toBe(503);
  expect((await ts.store.inboxStats(new Date().toISOString())).pending).toBe(30);
  const g = groupCommitOf(ts.store)!;
  expect(g.stats.deliveries).toBe(32);
});

test('concurrent POST /api/events: every 202 is stored and duplicates are named', async () => {
  const answers = await Promise.all(
    [...Array.from({ length: 40 }, (_, i) => `e${i}`), 'e1'].map(async (id) => (await event(id)).json()),
  );
  expect(answers.filter((a) => a.duplicates === 1)).toHaveLength(1);
  expect(answers.every((a) => a.accepted === 1)).toBe(true);
  expect((await ts.store.inboxStats(new Date().toISOString())).pending).toBe(40);
});
