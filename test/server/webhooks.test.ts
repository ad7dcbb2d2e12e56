import express from 'express';
import { createServer } from 'node:http';
import type { AddressInfo } from 'node:net';
import { afterEach, beforeEach, expect, test } from 'vitest';
import { createMetrics } from '../../src/pipeline/metrics.ts';
import { externalUri, webhookRouter } from '../../src/server/routes/webhooks.ts';
import type { Store } from '../../src/store/types.ts';
import { makeTestStore, type TestStore } from '../support/store.ts';

let ts: TestStore;
let url: string;
let close: () => Promise<void>;
let store: Store;
let seenUri = '';

beforeEach(async () => {
  ts = await makeTestStore();
  store = ts.store;
  const item = (key: string) => ({
    source: 'hubspot' as const,
    dedupKey: key,
    receivedAt: new Date().toISOString(),
    body: {
      kind: 'event' as const,
      event: { id: key, email: 'a@b.example', type: 'page_view', at: '2026-11-20T00:00:00Z', properties: {} },
    },
  });
  const app = express();
  app.use(
    webhookRouter({
      store: { ...ts.store, transaction: (fn) => store.transaction(fn) } as Store,
      metrics: createMetrics('t'),
      publicUrl: 'https://baton.example.com/',
      receivers: {
        hubspot: (req) => {
          seenUri = req.uri;
          return req.rawBody === 'bad'
            ? { ok: false, status: 401, error: 'bad signature' }
            : { ok: true, items: [item(req.rawBody)] };
        },
      },
    }),
  );
  const server = createServer(app);
  await new Promise<void>((r) => server.listen(0, '127.0.0.1', () => r()));
  url = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
  close = () => new Promise((r) => server.close(() => r()));
});
afterEach(async () => {
  await close();
  await ts.cleanup();
});

const post = (body: string, path = '/webhooks/hubspot?x=1') =>
  fetch(url + path, { method: 'POST', body, headers: { 'content-type': 'application/json' } });

test('acknowledged means stored; a duplicate is 2xx and stores nothing new; the uri is the public one', async () => {
  expect((await post('k1')).status).toBe(200);
  expect((await post('k1')).status).toBe(200);
  expect((await store.inboxStats(new Date().toISOString())).pending).toBe(1);
  expect(seenUri).toBe('https://baton.example.com/webhooks/hubspot?x=1');
});

test('a failed inbox insert is never acknowledged', async () => {
  store = {
    ...ts.store,
    transaction: async () => {
      throw new Error('disk full');
    },
  } as Store;
  const res = await post('k2');
  expect(res.status).toBeGreaterThanOrEqual(500);
  store = ts.store;
  expect((await ts.store.inboxStats(new Date().toISOString())).pending).toBe(0);
});

test('a refused signature is 401 JSON and stores nothing', async () => {
  const res = await post('bad');
  expect(res.status).toBe(401);
  expect(await res.json()).toMatchObject({ error: 'unauthorized', message: 'bad signature' });
  expect((await ts.store.inboxStats(new Date().toISOString())).pending).toBe(0);
});

test('externalUri without a public URL is the request’s own', () => {
  const req = { originalUrl: '/webhooks/hubspot', protocol: 'http', get: () => 'localhost:3000' } as never;
  expect(externalUri(req)).toBe('http://localhost:3000/webhooks/hubspot');
});
