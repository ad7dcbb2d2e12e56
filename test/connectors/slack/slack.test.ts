/** The Slack transport: the real `@slack/web-api` client against the Web API emulation on loopback. */
import { afterAll, beforeAll, expect, test } from 'vitest';
import { ALERT_EVENT_TYPE, createSlackTransport } from '../../../connectors/slack/index.ts';
import { AlertError } from '../../../src/platform/errors.ts';
import { serveFakeApi } from '../../../sandbox/http.ts';
import { createSlackSandbox } from '../../../sandbox/slack/index.ts';

const slack = createSlackSandbox();
let served: Awaited<ReturnType<typeof serveFakeApi>>;
let transport: ReturnType<typeof createSlackTransport>;
const message = { subject: 'Hello', body: [], why: [], deadline: null, links: [] };
const ref = (key: string, lookSince?: string) => ({ key, ...(lookSince ? { lookSince } : {}) });

/** A raw Web API call, as Slack answers it. */
async function raw(method: string, params: Record<string, string>): Promise<Record<string, unknown>> {
  const r = await fetch(`${served.url}/api/${method}`, {
    method: 'POST',
    headers: { authorization: `Bearer ${slack.token}`, 'content-type': 'application/x-www-form-urlencoded' },
    body: new URLSearchParams(params).toString(),
  });
  return (await r.json()) as Record<string, unknown>;
}

beforeAll(async () => {
  slack.addUser({ id: 'U01', email: 'ana.rep@org.example', name: 'Ana' });
  slack.addChannel('#sales-leads');
  slack.addChannel('#marketing');
  served = await serveFakeApi(slack);
  transport = createSlackTransport({ token: slack.token, apiUrl: `${served.url}/api/` });
});
afterAll(async () => {
  await transport.stop();
  await served.close();
});

test('finds a user by email once (cached), and says null for users_not_found', async () => {
  expect(await transport.userByEmail('Ana.Rep@org.example')).toBe('U01');
  expect(await transport.userByEmail('ana.rep@org.example')).toBe('U01');
  expect(await transport.userByEmail('nobody@org.example')).toBeNull();
  expect(slack.calls.get('users.lookupByEmail')).toBe(2);
});

test('a DM opens the conversation once; a post goes to the channel; each carries its alert key as metadata', async () => {
  const a = await transport.direct('U01', message, ref('alert:a'));
  await transport.direct('U01', { ...message, subject: 'Again' }, ref('alert:b'));
  expect(a.to).toBe('D01');
  expect(a.found).toBeUndefined();
  expect(slack.calls.get('conversations.open')).toBe(1);
  await transport.post('#sales-leads', message, ref('alert:c'));
  expect(slack.to('ana.rep@org.example').map((m) => m.text)).toEqual(['*Hello*', '*Again*']);
  expect(slack.to('#sales-leads')).toHaveLength(1);
  expect(slack.to('#sales-leads')[0].metadata).toEqual({
    event_type: ALERT_EVENT_TYPE,
    event_payload: { key: 'alert:c' },
  });
  expect(slack.calls.get('conversations.history')).toBeUndefined();
});

test('conversations.history answers like Slack: newest first, metadata only with include_all_metadata, cursor pages', async () => {
  const plain = await raw('conversations.history', { channel: 'D01' });
  expect(plain).toMatchObject({ ok: true, has_more: false, response_metadata: { next_cursor: '' } });
  const msgs = plain.messages as Record<string, unknown>[];
  expect(msgs.map((m) => m.text)).toEqual(['*Again*', '*Hello*']);
  expect(msgs[0]).toMatchObject({ type: 'message', bot_id: 'B0BATON' });
  expect(msgs[0].metadata).toBeUndefined();
  const first = await raw('conversations.history', { channel: 'D01', include_all_metadata: 'true', limit: '1' });
  expect(first).toMatchObject({ has_more: true, messages: [{ metadata: { event_payload: { key: 'alert:b' } } }] });
  const cursor = (first.response_metadata as { next_cursor: string }).next_cursor;
  const second = await raw('conversations.history', { channel: 'D01', include_all_metadata: 'true', cursor });
  expect(second).toMatchObject({ has_more: false, messages: [{ metadata: { event_payload: { key: 'alert:a' } } }] });
  expect(await raw('conversations.history', { channel: 'C99999999' })).toEqual({
    ok: false,
    error: 'channel_not_found',
  });
  expect(await raw('chat.postMessage', { channel: 'D01', text: 'x', metadata: '{"event_payload":{}}' })).toEqual({
    ok: false,
    error: 'invalid_metadata_format',
  });
});

test('an alert an earlier attempt may have posted is looked up by its key and not posted again', async () => {
  const since = new Date(Date.now() - 1000).toISOString();
  const posts = slack.calls.get('chat.postMessage');
  const dm = await transport.direct('U01', { ...message, subject: 'Never twice' }, ref('alert:a', since));
  expect(dm).toEqual({ to: 'D01', id: slack.to('ana.rep@org.example')[0].ts, found: true });
  // A channel named in alerts.yaml: its id read from conversations.list (one call, cached).
  const fresh = createSlackTransport({ token: slack.token, apiUrl: `${served.url}/api/` });
  const post = await fresh.post('#sales-leads', message, ref('alert:c', since));
  expect(post).toMatchObject({ to: slack.to('#sales-leads')[0].channel, found: true });
  await fresh.post('#sales-leads', message, ref('alert:c', since));
  expect(slack.calls.get('conversations.list')).toBe(1);
  expect(slack.calls.get('chat.postMessage')).toBe(posts);
  // Not there: posted, once.
  const posted = await fresh.post('#marketing', message, ref('alert:d', since));
  expect(posted.found).toBeUndefined();
  expect(slack.to('#marketing')).toHaveLength(1);
  await fresh.stop();
});

test('a lookup Slack refuses for good (a history scope the app lacks) is given up and said: the alert is posted', async () => {
  const heard: string[] = [];
  const t = createSlackTransport({
    token: slack.token,
    apiUrl: `${served.url}/api/`,
    onLookupRefused: (reason) => heard.push(reason),
  });
  slack.scopes.delete('im:history');
  try {
    const before = slack.to('ana.rep@org.example').length;
    const sent = await t.direct(
      'U01',
      { ...message, subject: 'Late is worse' },
      ref('alert:h', new Date().toISOString()),
    );
    expect(sent.found).toBeUndefined();
    expect(slack.to('ana.rep@org.example')).toHaveLength(before + 1);
    expect(heard).toEqual([
      expect.stringMatching(/^Slack conversations\.history: missing_scope; the app needs .*im:history/),
    ]);
  } finally {
    slack.scopes.add('im:history');
    await t.stop();
  }
});

test('a 429 is an AlertError to retry after Slack’s Retry-After; a missing channel is final and says what to do', async () => {
  slack.rateLimitNext('chat.postMessage', 7);
  const limited = await transport.post('#sales-leads', message, ref('alert:e')).catch((e: unknown) => e);
  expect(limited).toBeInstanceOf(AlertError);
  expect(limited).toMatchObject({ code: 'alert_rate_limited', retryable: true, retryAfterMs: 7000, refused: true });
  slack.rateLimitNext('conversations.history', 3);
  const lookup = await transport
    .post('#sales-leads', message, ref('alert:e', new Date().toISOString()))
    .catch((e: unknown) => e);
  expect(lookup).toMatchObject({ code: 'alert_rate_limited', retryAfterMs: 3000 });
  const missing = await transport.post('#nowhere', message, ref('alert:f')).catch((e: unknown) => e);
  expect(missing).toMatchObject({ retryable: false, refused: true });
  expect(String((missing as Error).message)).toBe(
    'Slack chat.postMessage: channel_not_found; invite the Baton app to the channel named in alerts.yaml',
  );
});

test('the emulation keeps chat.postMessage’s limit per channel: a full channel answers 429, another still takes posts', async () => {
  const own = createSlackSandbox();
  own.addChannel('#busy');
  own.addChannel('#quiet');
  const post = (channel: string) =>
    own.handle({
      method: 'POST',
      url: new URL('http://slack.test/api/chat.postMessage'),
      headers: { authorization: `Bearer ${own.token}`, 'content-type': 'application/x-www-form-urlencoded' },
      body: new URLSearchParams({ channel, text: 'x' }).toString(),
    });
  for (let i = 0; i < 60; i++) expect((await post('#busy'))?.status).toBe(200);
  const refused = await post('#busy');
  expect(refused).toMatchObject({ status: 429, body: { ok: false, error: 'ratelimited' } });
  expect(Number(refused?.headers?.['retry-after'])).toBeGreaterThanOrEqual(1);
  expect((await post('#quiet'))?.status).toBe(200);
});

test('a wrong token is invalid_auth, final', async () => {
  const bad = createSlackTransport({ token: 'xoxb-wrong', apiUrl: `${served.url}/api/` });
  const err = await bad.post('#sales-leads', message, ref('alert:g')).catch((e: unknown) => e);
  expect(err).toMatchObject({ retryable: false });
  expect(String((err as Error).message)).toContain('invalid_auth; check the bot token');
  await bad.stop();
});
