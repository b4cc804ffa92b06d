import type { Mailer, MailMessage } from '../../core/ports.ts';

/** Validation mail was asked for, but the deployment cannot send any. */
export class MailNotConfiguredError extends Error {
  override name = 'MailNotConfigured' as const;
}

/**
 * The Mailer of a deployment without an email sender: DNS validation never mails, so it works unchanged,
 * while EMAIL validation fails at its first mail with an error saying what to configure.
 */
export class UnconfiguredMailer implements Mailer {
  constructor(private readonly reason: string) {}

  async send(_message: MailMessage): Promise<{ messageId: string }> {
    throw new MailNotConfiguredError(`Validation mail cannot be sent: ${this.reason}`);
  }
}
