/** The email transport: nodemailer against a real SMTP server on loopback. */
import { afterAll, beforeAll, expect, test } from 'vitest';
import { alertMessageId, createSmtpTransport } from '../../../connectors/email/index.ts';
import { startSmtpSink, type SmtpSink } from '../../support/alerts.ts';

let smtp: SmtpSink;
let transport: ReturnType<typeof createSmtpTransport>;
const message = {
  subject: 'New lead for you',
  body: ['Routed: territory'],
  why: ['score 80'],
  deadline: null,
  links: [],
};
const messageIdOf = (raw: string) => /^Message-ID: (.*)$/im.exec(raw)?.[1]?.trim();

beforeAll(async () => {
  smtp = await startSmtpSink();
  transport = createSmtpTransport({ url: smtp.url, from: 'Baton <baton@acme.example>' });
});
afterAll(async () => {
  await transport.stop();
  await smtp.close();
});

test('every attempt of one alert carries the same Message-ID (receivers drop the duplicate); another alert has its own', async () => {
  // Sent twice: what a kill between the server's accept and the row's completion does after a restart.
  const a = await transport.send('ana.rep@org.example', message, { key: 'alert:handoff:person-1:t:handoff:owner' });
  const again = await transport.send('ana.rep@org.example', message, { key: 'alert:handoff:person-1:t:handoff:owner' });
  const other = await transport.send('ana.rep@org.example', message, { key: 'alert:breach:person-1:t:breach:manager' });
  expect(smtp.mails).toHaveLength(3);
  const ids = smtp.mails.map((m) => messageIdOf(m.raw));
  expect(ids[0]).toBe(alertMessageId('alert:handoff:person-1:t:handoff:owner', 'Baton <baton@acme.example>'));
  expect(ids[0]).toMatch(/^<baton-alert\.[0-9a-f]{32}@acme\.example>$/);
  expect(ids[1]).toBe(ids[0]);
  expect(ids[2]).not.toBe(ids[0]);
  expect([a.id, again.id, other.id]).toEqual(ids);
  expect(smtp.mails[0].raw).toContain('text/plain');
  expect(smtp.mails[0].raw).toContain('text/html');
});

test('a server that cannot be reached may be tried again, and is not taken for a refusal', async () => {
  const gone = createSmtpTransport({ url: 'smtp://127.0.0.1:1', from: 'baton@acme.example' });
  const err = await gone.send('ana.rep@org.example', message, { key: 'k' }).catch((e: unknown) => e);
  expect(err).toMatchObject({ retryable: true, refused: false });
  await gone.stop();
});
