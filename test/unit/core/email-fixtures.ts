/** Test helpers for EMAIL validation: a Mailer that keeps what it is given, and the links in its messages. */
import { cryptoRandom } from '../../../functions/adapters/runtime/crypto-random.ts';
import type { ApprovalMailDeps } from '../../../functions/core/approvals/send-approval-mail.ts';
import type { CertificateStore, Clock, Mailer, MailMessage } from '../../../functions/core/ports.ts';
import { TEST_SETTINGS } from './core-fixtures.ts';

/** Keeps every message; `failAfter(n)` makes the send after the next `n` successful ones throw, once. */
export class RecordingMailer implements Mailer {
  readonly sent: MailMessage[] = [];
  private failIn: number | undefined;

  failAfter(successes: number): this {
    this.failIn = successes;
    return this;
  }

  async send(message: MailMessage): Promise<{ messageId: string }> {
    if (this.failIn !== undefined) {
      if (this.failIn === 0) {
        this.failIn = undefined;
        throw new Error('the mail service is unavailable');
      }
      this.failIn -= 1;
    }
    this.sent.push(message);
    return { messageId: `message-${this.sent.length}` };
  }

  /** The messages about one domain, in the order sent. */
  about(domainName: string): MailMessage[] {
    return this.sent.filter((message) => message.subject === `Certificate approval for ${domainName}`);
  }
}

const LINK = /\/approvals\/([A-Za-z0-9_-]+)/;

/** The token in a message's approval link. */
export function tokenIn(message: MailMessage | undefined): string {
  const token = message ? LINK.exec(message.text)?.[1] : undefined;
  if (!token) throw new Error('the message has no approval link');
  return token;
}

/** What mailing approval links needs: real randomness (every link differs) and the test approval site. */
export function approvalMailDeps(store: CertificateStore, clock: Clock, mailer: Mailer): ApprovalMailDeps {
  return { store, clock, random: cryptoRandom, mailer, approvalBaseUrl: TEST_SETTINGS.approvalBaseUrl };
}
