/** The Slack transport: the real `@slack/web-api` client against the Web API emulation on loopback. */
import { afterAll, beforeAll, expect, test } from 'vitest';
import { createSlackTransport } from '../../../connectors/slack/index.ts';
import { AlertError } from '../../../src/platform/errors.ts';
import { serveFakeApi } from '../../../sandbox/http.ts';
import { createSlackSandbox } from '../../../sandbox/slack/index.ts';

const slack = createSlackSandbox();
let served: Awaited<ReturnType<typeof serveFakeApi>>;
let transport: ReturnType<typeof createSlackTransport>;
const message = { subject: 'Hello', body: [], why: [], deadline: null, links: [] };

beforeAll(async () => {
  slack.addUser({ id: 'U01', email: 'ana.rep@org.example', name: 'Ana' });
  slack.addChannel('#sales-leads');
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

test('a DM opens the conversation once; a post goes to the channel', async () => {
  const a = await transport.direct('U01', message);
  await transport.direct('U01', { ...message, subject: 'Again' });
  expect(a.to).toBe('D01');
  expect(slack.calls.get('conversations.open')).toBe(1);
  await transport.post('#sales-leads', message);
  expect(slack.to('ana.rep@org.example').map((m) => m.text)).toEqual(['*Hello*', '*Again*']);
  expect(slack.to('#sales-leads')).toHaveLength(1);
});

test('a 429 is an AlertError to retry after Slack’s Retry-After; a missing channel is final and says what to do', async () => {
  slack.rateLimitNext('chat.postMessage', 7);
  const limited = await transport.post('#sales-leads', message).catch((e: unknown) => e);
  expect(limited).toBeInstanceOf(AlertError);
  expect(limited).toMatchObject({ code: 'alert_rate_limited', retryable: true, retryAfterMs: 7000 });
  const missing = await transport.post('#nowhere', message).catch((e: unknown) => e);
  expect(missing).toMatchObject({ retryable: false });
  expect(String((missing as Error).message)).toBe(
    'Slack chat.postMessage: channel_not_found; invite the Baton app to the channel named in alerts.yaml',
  );
});

test('a wrong token is invalid_auth, final', async () => {
  const bad = createSlackTransport({ token: 'xoxb-wrong', apiUrl: `${served.url}/api/` });
  const err = await bad.post('#sales-leads', message).catch((e: unknown) => e);
  expect(err).toMatchObject({ retryable: false });
  expect(String((err as Error).message)).toContain('invalid_auth; check the bot token');
  await bad.stop();
});
