/**
 * Mailer on Amazon SES (API v2): one SendEmail per message, a simple (non-raw) message whose subject, text
 * and HTML SES assembles into multipart/alternative itself, every part declared UTF-8.
 *
 * - Sender: `from` is the FromEmailAddress (`Certwright <no-reply@example.com>` or a bare address); SES
 *   sends only from a verified identity. `identityArn`, when configured, is sent as
 *   FromEmailAddressIdentityArn: SES then authorizes the send against that identity (its sending
 *   authorization policy, and the caller's `ses:SendEmail` on that ARN) instead of picking one itself.
 * - Recipients: every address goes in To. SES refuses a message with more than 50 recipients; the limit is
 *   checked here first, so the caller gets a clear error and nothing is sent.
 * - Errors from SES (MessageRejected for an unverified identity, SendingPausedException, throttling once the
 *   SDK's retries are spent...) propagate unchanged, so a workflow Retry/Catch can match their names.
 */
import { type SESv2Client, SendEmailCommand } from '@aws-sdk/client-sesv2';
import { checkRecipients } from '../../core/mail-recipients.ts';
import type { Mailer, MailMessage } from '../../core/ports.ts';

const CHARSET = 'UTF-8';

export interface SesSender {
  /** The From: `Name <address>` or an address, of a verified SES identity. */
  from: string;
  /** The ARN of the identity to authorize the send against (`arn:aws:ses:<region>:<account>:identity/<identity>`). */
  identityArn?: string;
}

export class SesMailer implements Mailer {
  constructor(
    private readonly client: SESv2Client,
    private readonly sender: SesSender,
  ) {
    if (sender.from.trim() === '') throw new Error('the SES mailer needs a sender address');
  }

  async send(message: MailMessage): Promise<{ messageId: string }> {
    checkRecipients(message.to);
    const answer = await this.client.send(
      new SendEmailCommand({
        FromEmailAddress: this.sender.from,
        ...(this.sender.identityArn === undefined
          ? {}
          : { FromEmailAddressIdentityArn: this.sender.identityArn }),
        Destination: { ToAddresses: [...message.to] },
        Content: {
          Simple: {
            Subject: { Data: message.subject, Charset: CHARSET },
            Body: {
              Text: { Data: message.text, Charset: CHARSET },
              Html: { Data: message.html, Charset: CHARSET },
            },
          },
        },
      }),
    );
    if (answer.MessageId === undefined || answer.MessageId === '') {
      throw new Error('SES accepted the message but answered without a MessageId');
    }
    return { messageId: answer.MessageId };
  }
}
