/**
 * The docs' examples, followed as a new user would against Baton on the sandbox CRMs: the requests
 * of `docs/http-api.md` are sent in order and must get the documented answers; the HubSpot delivery
 * of `docs/connect-hubspot.md` and the Outbound Message of `docs/connect-salesforce.md` are
 * delivered as the CRMs would and acknowledged as documented.
 */
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, test } from 'vitest';
import { hmacHex } from '../../src/platform/signature.ts';
import { HS_SECRET, makeHarness, TOKEN, WEBHOOK_SECRET, type Harness } from '../e2e/harness.ts';
import { fences, ROOT } from './markdown.ts';

/** The secret the docs' example signatures were made with (`docs/http-api.md` says so). */
const DOCS_SECRET = 'change-me';
/** Stands for a value that differs on every run. */
const ANY = '…';

const doc = (name: string) => readFileSync(join(ROOT, 'docs', name), 'utf8');

interface Exchange {
  line: number;
  method: string;
  path: string;
  headers: Record<string, string>;
  body: string;
  status: number;
  answer: unknown;
}

/** Splits an HTTP message block into its first line, headers and body. */
function message(block: string): { start: string; headers: Record<string, string>; body: string } {
  const [head, ...rest] = block.split(/\n\s*\n/);
  const [start, ...lines] = head.split('\n');
  const headers: Record<string, string> = {};
  for (const l of lines) {
    const i = l.indexOf(':');
    headers[l.slice(0, i).trim().toLowerCase()] = l.slice(i + 1).trim();
  }
  return { start: start.trim(), headers, body: rest.join('\n\n').trim() };
}

/** Each `http` request block with the `http` answer block that follows it. */
function exchanges(markdown: string): Exchange[] {
  const blocks = fences(markdown).filter((f) => f.lang === 'http');
  const out: Exchange[] = [];
  for (let i = 0; i < blocks.length; i += 2) {
    const req = message(blocks[i].body);
    const res = message(blocks[i + 1]?.body ?? '');
    const [method, path] = req.start.split(/\s+/);
    const status = /^HTTP\/1\.1 (\d{3})\b/.exec(res.start);
    if (!status)
      throw new Error(
        `docs/http-api.md:${blocks[i].line}: the request is not followed by an answer block (HTTP/1.1 STATUS)`,
      );
    out.push({
      line: blocks[i].line,
      method,
      path,
      headers: req.headers,
      body: req.body,
      status: Number(status[1]),
      answer: res.body ? JSON.parse(res.body) : undefined,
    });
  }
  return out;
}

/** Where `actual` differs from the documented value: every documented key must match, `…` matches anything. */
function differences(documented: unknown, actual: unknown, path = '$'): string[] {
  if (documented === ANY) return actual === undefined ? [`${path}: missing`] : [];
  if (Array.isArray(documented)) {
    if (!Array.isArray(actual)) return [`${path}: expected a list, got ${JSON.stringify(actual)}`];
    if (actual.length !== documented.length)
      return [`${path}: ${documented.length} documented, ${actual.length} answered`];
    return documented.flatMap((d, i) => differences(d, actual[i], `${path}[${i}]`));
  }
  if (documented && typeof documented === 'object') {
    if (!actual || typeof actual !== 'object') return [`${path}: expected an object, got ${JSON.stringify(actual)}`];
    return Object.entries(documented).flatMap(([k, v]) =>
      differences(v, (actual as Record<string, unknown>)[k], `${path}.${k}`),
    );
  }
  return documented === actual
    ? []
    : [`${path}: documented ${JSON.stringify(documented)}, answered ${JSON.stringify(actual)}`];
}

let h: Harness;
beforeEach(async () => {
  h = await makeHarness();
});
afterEach(async () => h.close());

describe('docs/http-api.md', () => {
  const text = doc('http-api.md');
  const examples = exchanges(text);

  test('its signatures are the HMAC of their bodies with the documented secret, and the curl recipe signs the same body', () => {
    const signed = examples.filter((e) => e.headers['x-baton-signature']);
    const valid = signed.filter((e) => e.headers['x-baton-signature'] === `sha256=${hmacHex(DOCS_SECRET, e.body)}`);
    expect(valid.length).toBeGreaterThanOrEqual(2);
    const recipe = fences(text).find((f) => f.lang === 'sh' && f.body.includes('openssl dgst -sha256 -hmac'));
    const body = /BODY='([^']+)'/.exec(recipe?.body ?? '')?.[1];
    expect(body).toBe(examples.find((e) => e.path === '/api/events' && valid.includes(e))?.body);
  });

  test('every example request gets the documented answer', async () => {
    expect(examples.length).toBeGreaterThanOrEqual(10);
    for (const ex of examples) {
      const headers = new Headers();
      for (const [k, v] of Object.entries(ex.headers)) headers.set(k, v.replace('$BATON_API_TOKEN', TOKEN));
      // A documented signature is made with the docs' secret; the sandbox Baton has its own.
      if (headers.get('x-baton-signature') === `sha256=${hmacHex(DOCS_SECRET, ex.body)}`)
        headers.set('x-baton-signature', `sha256=${hmacHex(WEBHOOK_SECRET, ex.body)}`);
      const res = await fetch(h.url + ex.path, { method: ex.method, headers, ...(ex.body ? { body: ex.body } : {}) });
      const answer = await res.text();
      const where = `docs/http-api.md:${ex.line} ${ex.method} ${ex.path}`;
      expect(res.status, `${where}: ${answer}`).toBe(ex.status);
      if (ex.answer !== undefined) expect(differences(ex.answer, JSON.parse(answer)), where).toEqual([]);
      await h.drain();
    }
  });
});

describe('docs/connect-hubspot.md', () => {
  test('the example delivery, signed as HubSpot signs it, is stored and answered as documented', async () => {
    const text = doc('connect-hubspot.md');
    const delivery = fences(text).find((f) => f.lang === 'json' && f.body.includes('subscriptionType'));
    const answered = /is answered `(\d{3}) (\{[^`]+\})`/.exec(text);
    expect(delivery && answered).toBeTruthy();
    const signed = h.hubspot.signedWebhook(JSON.parse(delivery!.body), HS_SECRET, `${h.url}/webhooks/hubspot`);
    const res = await fetch(`${h.url}/webhooks/hubspot`, {
      method: 'POST',
      headers: signed.headers,
      body: signed.body,
    });
    expect(res.status).toBe(Number(answered![1]));
    expect(await res.json()).toEqual(JSON.parse(answered![2]));
    expect((await h.store.inboxStats(new Date().toISOString())).pending).toBe(1);
    // Unsigned, the same delivery is refused, as the page says.
    expect(
      (
        await fetch(`${h.url}/webhooks/hubspot`, {
          method: 'POST',
          headers: { 'content-type': 'application/json' },
          body: signed.body,
        })
      ).status,
    ).toBe(401);
  });
});

describe('docs/connect-salesforce.md', () => {
  const text = doc('connect-salesforce.md');
  const xml = fences(text).find((f) => f.lang === 'xml')!.body;
  const documentedOrg = /<OrganizationId>([^<]+)<\/OrganizationId>/.exec(xml)![1];
  const post = (body: string) =>
    fetch(`${h.url}/webhooks/salesforce/outbound`, { method: 'POST', headers: { 'content-type': 'text/xml' }, body });

  test('the example Outbound Message from the org is stored and acknowledged with the SOAP Ack', async () => {
    const res = await post(xml.replaceAll(documentedOrg, h.salesforce.org.orgId));
    expect(res.status).toBe(200);
    expect(res.headers.get('content-type')).toMatch(/^text\/xml/);
    expect(await res.text()).toContain('<Ack>true</Ack>');
    expect((await h.store.inboxStats(new Date().toISOString())).pending).toBe(1);
  });

  test("another org's message is refused, as docs/http-api.md says (403)", async () => {
    const res = await post(xml.replaceAll(documentedOrg, '00D000000000001AAA'));
    expect(res.status).toBe(403);
    expect((await h.store.inboxStats(new Date().toISOString())).pending).toBe(0);
  });
});
