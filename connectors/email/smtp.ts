/**
 * Email over SMTP through `nodemailer`, as an `EmailTransport`: one message per alert, plain text
 * and HTML of the same content. A 4xx reply or a dropped connection may be tried again; a 5xx
 * reply (an address refused) is final.
 */
import nodemailer from 'nodemailer';
import { alertHtml, alertText } from '../../src/alerts/render.ts';
import type { EmailTransport } from '../../src/alerts/types.ts';
import { AlertError } from '../../src/platform/errors.ts';

export interface SmtpOptions {
  /** `smtp://user:pass@host:port` (or `smtps://`), from `BATON_SMTP_URL`. */
  url: string;
  from: string;
}

/** Creates the email transport. */
export function createSmtpTransport(options: SmtpOptions): EmailTransport & { stop(): Promise<void> } {
  const transport = nodemailer.createTransport(options.url);
  return {
    async send(to, message) {
      try {
        const info = await transport.sendMail({
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
        });
      }
    },
    async stop() {
      transport.close();
    },
  };
}
