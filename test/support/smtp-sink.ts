import type { AddressInfo } from 'node:net';
import { SMTPServer, type SMTPServerOptions } from 'smtp-server';
import { eventually } from './eventually.ts';

/** One message as the SMTP server received it: the envelope, the session, and the message's bytes. */
export interface ReceivedMail {
  /** The envelope's MAIL FROM. */
  mailFrom: string;
  /** The envelope's RCPT TO addresses. */
  rcptTo: string[];
  /** The SMTP session it came in (one per connection). */
  sessionId: string;
  /** Whether the session was TLS (smtps or STARTTLS). */
  secure: boolean;
  /** The user that authenticated, if any. */
  user?: string;
  /** The message, dot-unstuffed, CRLF line ends. */
  raw: string;
}

export interface SmtpSink {
  readonly port: number;
  /** `smtp://127.0.0.1:<port>` (or `smtps://` for a TLS server). */
  readonly url: string;
  readonly messages: ReceivedMail[];
  /** Waits until at least `count` messages have arrived, and returns them all. */
  waitForMessages(count: number, timeoutMs?: number): Promise<ReceivedMail[]>;
  close(): Promise<void>;
}

export interface SmtpSinkOptions {
  /** Serve TLS from the start (smtps) with this key and certificate. */
  tls?: { key: string; cert: string };
  /** Require SMTP AUTH with one of these user → password pairs. */
  users?: Record<string, string>;
  /** Refuse RCPT TO for the addresses this returns true for (550). */
  refuseRecipient?: (address: string) => boolean;
}

/** A real SMTP server on 127.0.0.1 (smtp-server) that keeps every message it accepts, in order. */
export async function startSmtpSink(options: SmtpSinkOptions = {}): Promise<SmtpSink> {
  const messages: ReceivedMail[] = [];
  const users = options.users;
  const serverOptions: SMTPServerOptions = {
    logger: false,
    secure: options.tls !== undefined,
    ...(options.tls ?? {}),
    // Plain smtp:// stays plain: the test servers have no certificate a client would trust for STARTTLS.
    disabledCommands: options.tls === undefined ? ['STARTTLS'] : [],
    authOptional: users === undefined,
    allowInsecureAuth: true,
    onAuth(auth, _session, callback) {
      const expected = users?.[auth.username ?? ''];
      if (expected === undefined || auth.password !== expected) {
        return callback(new Error('Invalid username or password'));
      }
      callback(null, { user: auth.username });
    },
    onRcptTo(address, _session, callback) {
      if (options.refuseRecipient?.(address.address)) {
        return callback(
          Object.assign(new Error(`Mailbox ${address.address} unavailable`), { responseCode: 550 }),
        );
      }
      callback();
    },
    onData(stream, session, callback) {
      const chunks: Buffer[] = [];
      stream.on('data', (chunk: Buffer) => chunks.push(chunk));
      stream.on('end', () => {
        const { mailFrom, rcptTo } = session.envelope;
        messages.push({
          mailFrom: mailFrom === false ? '' : mailFrom.address,
          rcptTo: rcptTo.map((recipient) => recipient.address),
          sessionId: session.id,
          secure: session.secure,
          user: session.user === undefined ? undefined : String(session.user),
          raw: Buffer.concat(chunks).toString('utf8'),
        });
        callback();
      });
    },
  };
  const server = new SMTPServer(serverOptions);
  // Clients that give up mid-handshake (a refused certificate) are part of the tests, not failures.
  server.on('error', () => {});
  await new Promise<void>((resolve, reject) => {
    server.server.once('error', reject);
    server.listen(0, '127.0.0.1', () => resolve());
  });
  const port = (server.server.address() as AddressInfo).port;
  return {
    port,
    url: `${options.tls ? 'smtps' : 'smtp'}://127.0.0.1:${port}`,
    messages,
    waitForMessages: (count, timeoutMs) =>
      eventually(
        async () => messages.length >= count && [...messages],
        `${count} messages at the SMTP server`,
        timeoutMs,
      ),
    close: () => new Promise<void>((resolve) => server.close(() => resolve())),
  };
}
