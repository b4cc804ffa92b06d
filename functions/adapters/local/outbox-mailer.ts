/**
 * Mailer for the local stack: each message becomes one RFC 5322 file (`.eml`, multipart/alternative with
 * the text and the HTML, UTF-8, CRLF line ends) in an outbox directory, where a person or a test reads it.
 *
 * - Names: `<UTC time, ISO 8601 basic>-<16 hex>.eml`, so a directory listing sorts by time. The file
 *   appears whole or not at all (written under a temporary name, then linked into place), and an existing
 *   file is never replaced: on the astronomically unlikely clash the name is drawn again.
 * - Privacy: the directory is created 0700 if missing and each file is 0600, since mails carry approval links.
 * - Recipients follow SES's rules (1 to 50), so a message the AWS stack would refuse fails here too.
 * - Date, Message-ID and MIME boundaries come from the Clock and Random ports: the same inputs give the
 *   same bytes.
 */
import { mkdir } from 'node:fs/promises';
import { join } from 'node:path';
import { domainToASCII } from 'node:url';
import addressparser from 'nodemailer/lib/addressparser';
import MailComposer from 'nodemailer/lib/mail-composer';
import { checkRecipients } from '../../core/mail-recipients.ts';
import type { Clock, Mailer, MailMessage, Random } from '../../core/ports.ts';
import { writeNewFile } from './secret-files.ts';

const NAME_ATTEMPTS = 5;

export interface OutboxMailerOptions {
  /** Where the `.eml` files go; created if missing. */
  directory: string;
  /** The From: `Name <address>` or an address. */
  from: string;
  clock: Clock;
  random: Random;
}

export class OutboxMailer implements Mailer {
  readonly directory: string;
  private readonly from: string;
  /** The sender's domain (ASCII), the right-hand side of every Message-ID. */
  private readonly messageIdDomain: string;
  private readonly clock: Clock;
  private readonly random: Random;

  constructor(options: OutboxMailerOptions) {
    this.directory = options.directory;
    this.from = options.from;
    this.clock = options.clock;
    this.random = options.random;
    this.messageIdDomain = senderDomain(options.from);
  }

  /** Writes the message; the answer is its Message-ID header, angle brackets included. */
  async send(message: MailMessage): Promise<{ messageId: string }> {
    checkRecipients(message.to);
    const now = this.clock.now();
    const messageId = `<${this.random.uuid()}@${this.messageIdDomain}>`;
    const eml = await new MailComposer({
      from: this.from,
      to: [...message.to],
      subject: message.subject,
      text: crlf(message.text),
      html: crlf(message.html),
      messageId,
      date: now,
      baseBoundary: hex(this.random.bytes(12)),
      newline: 'win',
      disableFileAccess: true,
      disableUrlAccess: true,
    })
      .compile()
      .build();
    await mkdir(this.directory, { recursive: true, mode: 0o700 });
    await this.writeUnderFreshName(now, eml);
    return { messageId };
  }

  private async writeUnderFreshName(now: Date, eml: Buffer): Promise<void> {
    const time = now.toISOString().replace(/[-:]/g, '');
    for (let attempt = 1; ; attempt += 1) {
      const path = join(this.directory, `${time}-${hex(this.random.bytes(8))}.eml`);
      try {
        await writeNewFile(path, eml, 0o600);
        return;
      } catch (error) {
        if ((error as NodeJS.ErrnoException).code !== 'EEXIST' || attempt === NAME_ATTEMPTS) throw error;
      }
    }
  }
}

function senderDomain(from: string): string {
  const addresses = addressparser(from, { flatten: true });
  const address = addresses.length === 1 ? addresses[0]?.address : undefined;
  const at = address?.lastIndexOf('@') ?? -1;
  const domain = address === undefined || at <= 0 ? '' : domainToASCII(address.slice(at + 1));
  if (domain === '')
    throw new Error(`the outbox mailer needs one sender address, not ${JSON.stringify(from)}`);
  return domain;
}

/** Text parts in canonical form (RFC 2046): lines end in CRLF, also inside a base64 body. */
function crlf(text: string): string {
  return text.replace(/\r?\n/g, '\r\n');
}

function hex(bytes: Uint8Array): string {
  return Buffer.from(bytes).toString('hex');
}
