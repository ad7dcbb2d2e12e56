/**
 * The alert transports of `alerts.yaml` whose secrets are set: Slack with the bot token from
 * `channels.slack.token_env` (default `SLACK_BOT_TOKEN`), email over `channels.email.url_env`
 * (default `BATON_SMTP_URL`). A channel whose secret is missing is off, and `say` hears it.
 * Built at start: a change to `channels` takes effect at the next start.
 */
import { createSmtpTransport } from '../../connectors/email/index.ts';
import { createSlackTransport } from '../../connectors/slack/index.ts';
import type { AlertTransports } from '../alerts/types.ts';
import type { AlertsConfig } from '../config/alerts-schema.ts';
import type { LimitsBackend } from '../platform/limiter.ts';

/** The transports (none without `alerts.yaml`) and how to stop them. */
export function alertsFromEnv(
  env: NodeJS.ProcessEnv,
  alerts: AlertsConfig | null,
  say: (line: string) => void,
  limits?: LimitsBackend,
): { transports: AlertTransports | undefined; stop(): Promise<void> } {
  if (!alerts) return { transports: undefined, stop: async () => {} };
  const transports: AlertTransports = {};
  const stops: (() => Promise<void>)[] = [];
  const { slack, email } = alerts.channels;
  if (slack) {
    const token = env[slack.token_env];
    if (!token) say(`alerts: Slack is off (${slack.token_env} is not set)`);
    else {
      const t = createSlackTransport({
        token,
        apiUrl: env.BATON_SLACK_API_URL || slack.api_url,
        limits,
        onLookupRefused: (reason) =>
          say(`alerts: could not look for an interrupted Slack alert (${reason}); posted it, it may show twice`),
      });
      transports.slack = t;
      stops.push(() => t.stop());
    }
  }
  if (email) {
    const url = env[email.url_env];
    if (!url) say(`alerts: email is off (${email.url_env} is not set)`);
    else {
      const t = createSmtpTransport({ url, from: email.from });
      transports.email = t;
      stops.push(() => t.stop());
    }
  }
  return {
    transports: transports.slack || transports.email ? transports : undefined,
    stop: async () => {
      await Promise.all(stops.map((s) => s().catch(() => {})));
    },
  };
}
