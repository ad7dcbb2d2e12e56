/** The shapes of alerts (`alerts.yaml`): what an outbox row of channel `slack` or `email` holds, and the transports that send it. */
import type { AlertEvent, AlertRecipient } from '../config/alerts-schema.ts';

/** One alert's content, rendered at queue time; each transport formats it (Slack mrkdwn, email text + HTML). */
export interface AlertMessage {
  subject: string;
  /** The template's body lines. */
  body: string[];
  /** Why the person qualified (the explanation lines). */
  why: string[];
  /** The deadline (ISO), when the event has one. */
  deadline: string | null;
  links: { label: string; url: string }[];
  /** A note on how the alert got here, e.g. that Slack knew no user for the rep's email. */
  note?: string;
}

/** The payload of an alert's outbox row. */
export interface AlertPayload {
  purpose: 'alert';
  event: AlertEvent;
  role: AlertRecipient;
  /** The recipient: a person's email (owner, manager), or a Slack channel / email address for `channel`. */
  email?: string;
  channel?: string;
  message: AlertMessage;
  /** Set on an email sent because Slack did not know `email`. */
  fallbackFrom?: 'slack';
}

/** What a transport answers for one sent alert. */
export interface Sent {
  /** Where it went: a Slack channel id (a DM's too) or the email address. */
  to: string;
  /** Slack's message `ts` or the email's Message-ID. */
  id: string;
  /** Slack had the message already (an earlier attempt's, found by its key): nothing was posted now. */
  found?: boolean;
}

/** Which alert a send is: its idempotency key, and whether an earlier attempt may have reached Slack. */
export interface AlertRef {
  /** The alert's idempotency key: in the Slack message's `metadata`, and the email's Message-ID. */
  key: string;
  /**
   * Set when an earlier attempt may have been accepted without Baton hearing it (killed, or the
   * answer lost): Slack is asked first for a message with this key since this time (ISO).
   */
  lookSince?: string;
}

/** Slack, behind the small interface the alert sender needs. */
export interface SlackTransport {
  /** The Slack user id for `email` (cached), or null when Slack has none (`users_not_found`). */
  userByEmail(email: string): Promise<string | null>;
  /** A direct message to a user (the DM opened by `conversations.open`), once per `ref.key`. */
  direct(userId: string, message: AlertMessage, ref: AlertRef): Promise<Sent>;
  /** A post to a channel (name like `#sales` or id), once per `ref.key`. */
  post(channel: string, message: AlertMessage, ref: AlertRef): Promise<Sent>;
}

/** Email over SMTP. */
export interface EmailTransport {
  /** Sends with a Message-ID derived from `ref.key`, the same on every attempt, so receivers drop a duplicate. */
  send(to: string, message: AlertMessage, ref: AlertRef): Promise<Sent>;
}

/** The alert transports an instance has (none: alert rows wait in the outbox). */
export interface AlertTransports {
  slack?: SlackTransport;
  email?: EmailTransport;
}

/** One sent alert as kept on the person's history (`kv.alertsSent`) and shown by `GET /api/people/:key`. */
export interface SentAlert {
  event: AlertEvent;
  via: 'slack' | 'email';
  role: AlertRecipient;
  to: string;
  at: string;
  subject: string;
  /** Why it went by email instead of Slack. */
  fallback?: string;
}
