/**
 * The real app on a test store for the hostile-input tests (`hostile-*.test.ts`), with the requests
 * they share. `useHostileEdge()` serves it for the calling file; `app` and `ts` are live bindings.
 */
import { afterAll, beforeAll, beforeEach, expect } from 'vitest';
import type { Kysely } from 'kysely';
import type { DB } from '../../src/store/db.ts';
import { makeTestStore, type TestStore } from '../support/store.ts';
import { batonSignature, hubspotHeaders, serveEdge, TOKEN, type EdgeApp } from './edge-harness.ts';

export let ts: TestStore;
export let app: EdgeApp;

/** Serves the app for the calling test file, its store emptied before each test. */
export function useHostileEdge(): void {
  beforeAll(async () => {
    ts = await makeTestStore();
    app = await serveEdge(ts.store);
  });
  afterAll(async () => {
    await app?.close();
    await ts?.cleanup();
  });
  beforeEach(async () => {
    await ts.reset();
  });
}

export const dbOf = (t: TestStore) => (t.store as unknown as { db: Kysely<DB> }).db;
export const bearer = { authorization: `Bearer ${TOKEN}` };
export const json = { 'content-type': 'application/json' };

export async function post(
  path: string,
  body: string | Buffer,
  headers: Record<string, string> = {},
): Promise<Response> {
  return fetch(app.url + path, {
    method: 'POST',
    body: typeof body === 'string' ? body : new Uint8Array(body),
    headers,
    redirect: 'manual',
  });
}

/** Posts and expects a refusal with `status` naming `field` (when given), and nothing stored. */
export async function refused(
  res: Promise<Response>,
  status: number,
  field?: string,
): Promise<Record<string, unknown>> {
  const before = await app.footprint();
  const r = await res;
  const body = (await r.json()) as Record<string, unknown>;
  expect(r.status, JSON.stringify(body)).toBe(status);
  if (field !== undefined) expect(body.field).toBe(field);
  expect(await app.footprint()).toEqual(before);
  return body;
}

export const events = (body: unknown, headers: Record<string, string> = {}) =>
  post('/api/events', typeof body === 'string' ? body : JSON.stringify(body), { ...json, ...bearer, ...headers });
export const hubspot = (body: string) =>
  post('/webhooks/hubspot', body, hubspotHeaders(`${app.url}/webhooks/hubspot`, body, app.clock.now));
export const outbound = (xml: string) =>
  post('/webhooks/salesforce/outbound', xml, { 'content-type': 'text/xml; charset=utf-8' });
export const signed = (body: string) =>
  post('/webhooks/salesforce', body, { ...json, 'x-baton-signature': batonSignature(body) });

/** Logs in through the form; returns `baton_session=…`. */
export async function login(a: EdgeApp): Promise<string> {
  const r = await fetch(a.url + '/login', {
    method: 'POST',
    body: `token=${TOKEN}`,
    redirect: 'manual',
    headers: { 'content-type': 'application/x-www-form-urlencoded', origin: a.url },
  });
  expect(r.status).toBe(303);
  return r.headers.get('set-cookie')!.split(';')[0];
}
