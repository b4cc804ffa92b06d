/**
 * Mailer over SMTP, for a local stack whose mail should reach real inboxes (or a test's SMTP server): one
 * connection and one message per send, through nodemailer's SMTP transport.
 *
 * - Server: `smtp://host[:port]` (port 25; STARTTLS when the server offers it) or `smtps://host[:port]`
 *   (TLS from the start, port 465), optionally with `user:password@` (percent-encoded) for SMTP AUTH.
 *   Nothing else in the URL is read, so it can only ever name an SMTP server.
 * - The answer's messageId is the Message-ID header, angle brackets included, as the outbox answers.
 * - Recipients follow SES's rules (1 to 50), as with the other mailers; a refusal by the server (a 5xx to
 *   RCPT TO, say) rejects the send with nodemailer's error, carrying the server's response.
 */
import type { ConnectionOptions } from 'node:tls';
import { createTransport } from 'nodemailer';
import addressparser from 'nodemailer/lib/addressparser';
import { checkRecipients } from '../../core/mail-recipients.ts';
import type { Mailer, MailMessage } from '../../core/ports.ts';

const CONNECTION_TIMEOUT_MS = 10_000;
const SOCKET_TIMEOUT_MS = 30_000;

export interface SmtpMailerOptions {
  /** `smtp://[user:password@]host[:port]` or `smtps://...`. */
  url: string;
  /** The From: `Name <address>` or an address. */
  from: string;
  /** TLS options for smtps and STARTTLS (a private CA to trust, for instance). */
  tls?: ConnectionOptions;
}

interface SmtpServer {
  host: string;
  port: number;
  secure: boolean;
  auth?: { user: string; pass: string };
}

export class SmtpMailer implements Mailer {
  readonly server: { host: string; port: number; secure: boolean };
  private readonly transport: ReturnType<typeof createTransport>;
  private readonly from: string;

  constructor(options: SmtpMailerOptions) {
    const server = parseSmtpUrl(options.url);
    checkSender(options.from);
    this.from = options.from;
    this.server = { host: server.host, port: server.port, secure: server.secure };
    this.transport = createTransport({
      ...server,
      tls: options.tls,
      connectionTimeout: CONNECTION_TIMEOUT_MS,
      greetingTimeout: CONNECTION_TIMEOUT_MS,
      socketTimeout: SOCKET_TIMEOUT_MS,
      disableFileAccess: true,
      disableUrlAccess: true,
    });
  }

  async send(message: MailMessage): Promise<{ messageId: string }> {
    checkRecipients(message.to);
    const info = await this.transport.sendMail({
      from: this.from,
      to: [...message.to],
      subject: message.subject,
      text: crlf(message.text),
      html: crlf(message.html),
    });
    return { messageId: info.messageId };
  }
}

/** The server a `smtp://` or `smtps://` URL names; throws on anything else. */
export function parseSmtpUrl(raw: string): SmtpServer {
  const url = URL.canParse(raw) ? new URL(raw) : undefined;
  if (url === undefined || !['smtp:', 'smtps:'].includes(url.protocol) || url.hostname === '') {
    throw new Error(`not an SMTP server URL (smtp://host:port or smtps://host:port): ${JSON.stringify(raw)}`);
  }
  const secure = url.protocol === 'smtps:';
  const user = decodeURIComponent(url.username);
  return {
    host: url.hostname.replace(/^\[(.*)\]$/, '$1'),
    port: url.port === '' ? (secure ? 465 : 25) : Number(url.port),
    secure,
    ...(user === '' ? {} : { auth: { user, pass: decodeURIComponent(url.password) } }),
  };
}

/** Text parts in canonical form (RFC 2046): lines end in CRLF, also inside a base64 body. */
function crlf(text: string): string {
  return text.replace(/\r?\n/g, '\r\n');
}

function checkSender(from: string): void {
  const addresses = addressparser(from, { flatten: true });
  if (addresses.length !== 1 || !/^[^@\s]+@[^@\s]+$/.test(addresses[0]?.address ?? '')) {
    throw new Error(`the SMTP mailer needs one sender address, not ${JSON.stringify(from)}`);
  }
}
