/** A real SMTP server (`smtp-server`) on loopback that keeps each mail: the demo's sandbox mail and the tests'. */
import type { AddressInfo } from 'node:net';
import { SMTPServer } from 'smtp-server';

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
export async function startSmtpSink(port = 0): Promise<SmtpSink> {
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
  await new Promise<void>((resolve) => server.listen(port, '127.0.0.1', () => resolve()));
  const actual = (server.server.address() as AddressInfo).port;
  return {
    url: `smtp://127.0.0.1:${actual}`,
    mails,
    close: () => new Promise<void>((r) => server.close(() => r())),
  };
}
