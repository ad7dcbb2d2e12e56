/**
 * Alert test support: the Slack Web API emulation (sandbox/slack) served on loopback for the real
 * `@slack/web-api` client, and a real SMTP server (`smtp-server`) on loopback that keeps each mail.
 */
import { createSmtpTransport } from '../../connectors/email/index.ts';
import { createSlackTransport } from '../../connectors/slack/index.ts';
import type { AlertTransports } from '../../src/alerts/types.ts';
import { serveFakeApi } from '../../sandbox/http.ts';
import { createSlackSandbox, type SlackSandbox } from '../../sandbox/slack/index.ts';
import { startSmtpSink, type SmtpSink } from '../../sandbox/smtp.ts';

export { startSmtpSink, type Mail, type SmtpSink } from '../../sandbox/smtp.ts';

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
