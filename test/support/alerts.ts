/**
 * Alert test support: the Slack Web API emulation (sandbox/slack) served on loopback for the real
 * `@slack/web-api` client, and a real SMTP server (`smtp-server`) on loopback that keeps each mail.
 */
import { SMTPServer } from 'smtp-server';
import type { AddressInfo } from 'node:net';
import { createSmtpTransport } from '../../connectors/email/index.ts';
import { createSlackTransport } from '../../connectors/slack/index.ts';
import type { AlertTransports } from '../../src/alerts/types.ts';
import { serveFakeApi } from '../../sandbox/http.ts';
import { createSlackSandbox, type SlackSandbox } from '../../sandbox/slack/index.ts';

export interface Mail {
  from: string;
  to: string[];
  /** The raw message (headers and both parts). */
  raw: string;
  subject: string;
}

export interface SmtpSink {
  url: string;
  mails: Mail[];
  close(): Promise<void>;
}

/** A real SMTP server on 127.0.0.1 accepting any mail (no auth, no TLS), kept in `mails`. */
export async function startSmtpSink(): Promise<SmtpSink> {
  const mails: Mail[] = [];
  const server = new SMTPServer({
    authOptional: true,
    disabledCommands: ['STARTTLS'],
    logger: false,
    onData(stream, session, done) {
      const chunks: Buffer[] = [];
      stream.on('data', (c: Buffer) => chunks.push(c));
      stream.on('end', () => {
        const raw = Buffer.concat(chunks).toString('utf8');
        const subject = /^Subject: (.*)$/m.exec(raw)?.[1]?.trim() ?? '';
        mails.push({
          from: session.envelope.mailFrom ? session.envelope.mailFrom.address : '',
          to: session.envelope.rcptTo.map((r) => r.address),
          raw,
          subject,
        });
        done();
      });
    },
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', () => resolve()));
  const { port } = server.server.address() as AddressInfo;
  return {
    url: `smtp://127.0.0.1:${port}`,
    mails,
    close: () => new Promise<void>((r) => server.close(() => r())),
  };
}

export interface AlertWorld {
  slack: SlackSandbox;
  slackUrl: string;
  smtp: SmtpSink;
  transports: AlertTransports;
  close(): Promise<void>;
}

/** The Slack emulation and an SMTP server on loopback, with the transports Baton builds for them. */
export async function startAlertWorld(): Promise<AlertWorld> {
  const slack = createSlackSandbox();
  const served = await serveFakeApi(slack);
  const smtp = await startSmtpSink();
  const slackT = createSlackTransport({ token: slack.token, apiUrl: `${served.url}/api/` });
  const emailT = createSmtpTransport({ url: smtp.url, from: 'baton@acme.example' });
  return {
    slack,
    slackUrl: `${served.url}/api/`,
    smtp,
    transports: { slack: slackT, email: emailT },
    async close() {
      await slackT.stop();
      await emailT.stop();
      await served.close();
      await smtp.close();
    },
  };
}
