/**
 * Email over SMTP through `nodemailer`, as an `EmailTransport`: one message per alert, plain text
 * and HTML of the same content. A 4xx reply or a dropped connection may be tried again; a 5xx
 * reply (an address refused) is final. SMTP has no way to ask whether a message was taken, so a
 * kill between the server's accept and the outbox row's completion sends the alert again after a
 * restart; every attempt of one alert carries the same Message-ID (from its idempotency key), on
 * which receiving systems drop the duplicate.
 */
import { createHash } from 'node:crypto';
import nodemailer from 'nodemailer';
import { alertHtml, alertText } from '../../src/alerts/render.ts';
import type { EmailTransport } from '../../src/alerts/types.ts';
import { AlertError } from '../../src/platform/errors.ts';

export interface SmtpOptions {
  /** `smtp://user:pass@host:port` (or `smtps://`), from `BATON_SMTP_URL`. */
  url: string;
  from: string;
}

/** The Message-ID of the alert with idempotency key `key`: the same on every attempt, at the sender's domain. */
export function alertMessageId(key: string, from: string): string {
  const domain = /@([^\s>]+)>?\s*$/.exec(from)?.[1] ?? 'baton.invalid';
  return `<baton-alert.${createHash('sha256').update(key).digest('hex').slice(0, 32)}@${domain}>`;
}

/** Creates the email transport. */
export function createSmtpTransport(options: SmtpOptions): EmailTransport & { stop(): Promise<void> } {
  const transport = nodemailer.createTransport(options.url);
  return {
    async send(to, message, ref) {
      try {
        const info = await transport.sendMail({
          messageId: alertMessageId(ref.key, options.from),
          from: options.from,
          to,
          subject: message.subject,
          text: alertText(message),
          html: alertHtml(message),
        });
        return { to, id: String(info.messageId ?? '') };
      } catch (err) {
        const e = err as { responseCode?: number; code?: string } | null;
        const code = e?.responseCode;
        throw new AlertError('email', `SMTP: ${code ? `reply ${code}` : (e?.code ?? 'send failed')}`, {
          cause: err,
          retryable: code === undefined || code < 500,
          refused: code !== undefined,
        });
      }
    },
    async stop() {
      transport.close();
    },
  };
}
