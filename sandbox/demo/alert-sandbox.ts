/**
 * The demo's sandbox Slack (the Web API emulation of sandbox/slack on loopback) and sandbox SMTP
 * server, for `alerts.yaml`: every Salesforce user but one has a Slack account (that one is emailed
 * instead, to show the fallback); `#sales-leads` and `#marketing` exist. `news` reads what arrived
 * since the last look, one short line per alert.
 */
import { serveFakeApi } from '../http.ts';
import { createSlackSandbox } from '../slack/index.ts';
import { startSmtpSink } from '../smtp.ts';
import type { Sandboxes } from './servers.ts';

export interface AlertSandbox {
  /** The environment `baton serve` needs to reach them. */
  env: Record<string, string>;
  /** The alerts that arrived since the last call, as narrative lines. */
  news(): string[];
  close(): Promise<void>;
}

/** Starts both on loopback, with a Slack user for each Salesforce user with an email but the last. */
export async function startAlertSandbox(boxes: Sandboxes): Promise<AlertSandbox> {
  const slack = createSlackSandbox(`xoxb-demo-${Date.now()}`);
  const emails = boxes.salesforce.org
    .rows('User')
    .filter((u) => typeof u.Email === 'string' && u.Email.includes('@'))
    .map((u) => ({ email: String(u.Email), name: String(u.Name ?? u.Email) }));
  emails.slice(0, -1).forEach((u, i) => slack.addUser({ id: `U${String(i + 1).padStart(8, '0')}`, ...u }));
  slack.addChannel('#sales-leads');
  slack.addChannel('#marketing');
  const served = await serveFakeApi(slack);
  const smtp = await startSmtpSink();
  let seenSlack = 0;
  let seenMail = 0;
  const nameOf = (userId: string | undefined) => slack.users.find((u) => u.id === userId)?.name ?? 'a rep';
  const channelName = (id: string) => (slack.to('#sales-leads')[0]?.channel === id ? '#sales-leads' : '#marketing');
  const firstLine = (text: string) => text.split('\n')[0].replace(/^\*|\*$/g, '');
  return {
    env: {
      SLACK_BOT_TOKEN: slack.token,
      BATON_SLACK_API_URL: `${served.url}/api/`,
      BATON_SMTP_URL: smtp.url,
    },
    news() {
      const out: string[] = [];
      for (const m of slack.messages.slice(seenSlack))
        out.push(`  slack   ${m.user ? `DM to ${nameOf(m.user)}` : channelName(m.channel)}: ${firstLine(m.text)}`);
      seenSlack = slack.messages.length;
      for (const m of smtp.mails.slice(seenMail))
        out.push(
          `  email   to a rep not in Slack: ${m.subject}${m.raw.includes('users_not_found') ? ' (Slack fallback)' : ''}`,
        );
      seenMail = smtp.mails.length;
      return out;
    },
    async close() {
      await served.close();
      await smtp.close();
    },
  };
}
