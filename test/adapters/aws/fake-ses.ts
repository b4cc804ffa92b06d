/**
 * An Amazon SES (API v2) that behaves like the service for SendEmail with simple content, behind
 * aws-sdk-client-mock: the account has verified identities (email addresses or domains), a send is accepted
 * only from an address one of them covers, and in the sandbox every recipient must be verified too. A refusal
 * is SES's MessageRejected with SES's message; malformed input is a BadRequestException. Accepted messages
 * are kept with their MessageId. Any other command fails loudly.
 */
import { randomBytes, randomUUID } from 'node:crypto';
import {
  BadRequestException,
  MessageRejected,
  SESv2Client,
  SendEmailCommand,
  type SendEmailCommandInput,
  type SendEmailCommandOutput,
} from '@aws-sdk/client-sesv2';
import { mockClient } from 'aws-sdk-client-mock';

export const FAKE_SES_REGION = 'us-east-1';
export const FAKE_SES_ACCOUNT = '123456789012';

/** SES's limit of recipients (To, Cc and Bcc together) in one message. */
const MAX_RECIPIENTS = 50;
/** The mailbox simulator's addresses are accepted even in the sandbox. */
const SIMULATOR_DOMAIN = 'simulator.amazonses.com';
const METADATA = { httpStatusCode: 400 };

export interface FakeSesMessage {
  messageId: string;
  input: SendEmailCommandInput;
}

export class FakeSes {
  readonly client = new SESv2Client({
    region: FAKE_SES_REGION,
    credentials: { accessKeyId: 'test', secretAccessKey: 'test' },
  });
  readonly mock = mockClient(this.client);
  /** Accepted messages, in order. */
  readonly messages: FakeSesMessage[] = [];
  private readonly verified = new Set<string>();
  private readonly sandbox: boolean;

  constructor(options: { sandbox?: boolean } = {}) {
    this.sandbox = options.sandbox ?? false;
    this.mock.onAnyCommand().callsFake(() => {
      throw new Error('FakeSes implements only SendEmail');
    });
    this.mock.on(SendEmailCommand).callsFake((input: SendEmailCommandInput) => this.sendEmail(input));
  }

  /** Verifies an email address or domain identity and returns its ARN. */
  verifyIdentity(identity: string): string {
    this.verified.add(identity.toLowerCase());
    return identityArn(identity);
  }

  /** The SendEmail calls made so far, accepted or not. */
  sendEmailCalls(): SendEmailCommandInput[] {
    return this.mock.commandCalls(SendEmailCommand).map((call) => call.args[0].input);
  }

  private sendEmail(input: SendEmailCommandInput): SendEmailCommandOutput {
    const simple = input.Content?.Simple;
    if (simple === undefined) throw new Error('FakeSes implements only Content.Simple');
    if (!simple.Subject?.Data || (simple.Body?.Text === undefined && simple.Body?.Html === undefined)) {
      throw badRequest('Content.Simple needs a Subject and a Text or Html body');
    }
    const from = bareAddress(input.FromEmailAddress ?? '');
    if (from === '') throw badRequest('Missing required parameter FromEmailAddress');
    const destination = input.Destination ?? {};
    const recipients = [
      ...(destination.ToAddresses ?? []),
      ...(destination.CcAddresses ?? []),
      ...(destination.BccAddresses ?? []),
    ].map(bareAddress);
    if (recipients.length === 0) throw badRequest('Destination needs at least one recipient');
    if (recipients.length > MAX_RECIPIENTS) throw badRequest('Recipient count exceeds 50.');

    const failed: string[] = [];
    if (!this.senderAllowed(from, input.FromEmailAddressIdentityArn)) failed.push(from);
    if (this.sandbox) {
      failed.push(...recipients.filter((to) => !to.endsWith(`@${SIMULATOR_DOMAIN}`) && !this.covers(to)));
    }
    if (failed.length > 0) {
      throw new MessageRejected({
        $metadata: METADATA,
        message:
          'Email address is not verified. The following identities failed the check in region ' +
          `${FAKE_SES_REGION.toUpperCase()}: ${failed.join(', ')}`,
      });
    }
    const messageId = `${randomBytes(8).toString('hex')}-${randomUUID()}-000000`;
    this.messages.push({ messageId, input: structuredClone(input) });
    return { $metadata: { httpStatusCode: 200 }, MessageId: messageId };
  }

  /** With an identity ARN, that identity must be verified and cover the address; else any identity may. */
  private senderAllowed(address: string, arn: string | undefined): boolean {
    if (arn === undefined) return this.covers(address);
    const prefix = identityArn('');
    if (!arn.startsWith(prefix)) return false;
    const identity = arn.slice(prefix.length).toLowerCase();
    return this.verified.has(identity) && identityCovers(identity, address);
  }

  private covers(address: string): boolean {
    return [...this.verified].some((identity) => identityCovers(identity, address));
  }
}

function identityArn(identity: string): string {
  return `arn:aws:ses:${FAKE_SES_REGION}:${FAKE_SES_ACCOUNT}:identity/${identity}`;
}

/** An address identity covers itself; a domain identity covers addresses in the domain and its subdomains. */
function identityCovers(identity: string, address: string): boolean {
  if (identity.includes('@')) return identity === address;
  const domain = address.slice(address.lastIndexOf('@') + 1);
  return domain === identity || domain.endsWith(`.${identity}`);
}

/** `Name <a@b>` → `a@b`, lowercase. */
function bareAddress(value: string): string {
  const angle = /<([^<>]*)>\s*$/.exec(value);
  return (angle?.[1] ?? value).trim().toLowerCase();
}

function badRequest(message: string): BadRequestException {
  return new BadRequestException({ $metadata: METADATA, message });
}
