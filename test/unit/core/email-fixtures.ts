/**
 * Test helpers for the validation steps: a Mailer that keeps what it is given and the links in its messages,
 * a zone writer that keeps its records, and one account's view of the steps.
 */
import { cryptoRandom } from '../../../functions/adapters/runtime/crypto-random.ts';
import { createApprovalDesk } from '../../../functions/core/approvals/approval-desk-service.ts';
import {
  type ResendValidationEmailRequest,
  resendValidationEmail,
} from '../../../functions/core/approvals/resend-validation-email.ts';
import type { ApprovalMailDeps } from '../../../functions/core/approvals/send-approval-mail.ts';
import {
  type CertificateRequest,
  requestCertificate,
} from '../../../functions/core/certificates/request-certificate.ts';
import type {
  CertificateStore,
  Clock,
  DnsZoneWriter,
  Mailer,
  MailMessage,
  Random,
  WhoisLookup,
} from '../../../functions/core/ports.ts';
import type { DomainPolicy } from '../../../functions/core/settings.ts';
import { checkValidation } from '../../../functions/core/validation/check-validation.ts';
import { publishValidationRecords } from '../../../functions/core/validation/publish-validation-records.ts';
import { FakeClock } from '../../support/fake-clock.ts';
import {
  REGION,
  requestCertificateDeps,
  ScriptedResolver,
  storedCertificate,
  TEST_SETTINGS,
} from './core-fixtures.ts';

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

/** A zone writer that writes nowhere: it keeps the records it is asked to write into the zones it manages. */
export class RecordingZones implements DnsZoneWriter {
  readonly written: Array<{ name: string; value: string }> = [];

  constructor(private readonly zones: readonly string[] = []) {}

  manages(name: string): boolean {
    return this.zones.some((zone) => name === zone || name.endsWith(`.${zone}`));
  }

  async upsertCname(name: string, value: string): Promise<void> {
    this.written.push({ name, value });
  }
}

export interface ValidationStepsOptions {
  /** The method `request` asks for unless a request says otherwise. */
  validationMethod: 'DNS' | 'EMAIL';
  zoneWriter?: DnsZoneWriter;
  resolver?: ScriptedResolver;
  mailer?: RecordingMailer;
  whois?: WhoisLookup;
  domainPolicy?: DomainPolicy;
}

/**
 * One account's view of the validation steps over the shared store, each step the real use case: request,
 * the workflow's first step (publish: records or mail), its check, the approval desk and ResendValidationEmail.
 * Every call gets its own account and a clock of its own at `start`.
 */
export function validationSteps(
  store: CertificateStore,
  account: { accountId: string; random: Random },
  start: Date,
  options: ValidationStepsOptions,
) {
  const { accountId, random } = account;
  const clock = new FakeClock(start);
  const mailer = options.mailer ?? new RecordingMailer();
  const resolver = options.resolver ?? new ScriptedResolver();
  const mailing = approvalMailDeps(store, clock, mailer);
  const requestDeps = requestCertificateDeps(store, clock, { random });
  const checkDeps = {
    store,
    resolver,
    clock,
    pollSchedule: TEST_SETTINGS.pollSchedule,
    caaIdentities: TEST_SETTINGS.caaIdentities,
  };
  return {
    accountId,
    clock,
    mailer,
    resolver,
    stored: (arn: string) => storedCertificate(store, arn),
    desk: createApprovalDesk({ store, clock }),
    request: (domainName: string, more: Partial<CertificateRequest> = {}) =>
      requestCertificate(requestDeps, accountId, {
        domainName,
        validationMethod: options.validationMethod,
        ...more,
      }),
    publish: (arn: string) =>
      publishValidationRecords(
        {
          ...mailing,
          zoneWriter: options.zoneWriter ?? new RecordingZones(),
          whois: options.whois,
          domainPolicy: options.domainPolicy,
        },
        arn,
      ),
    check: (arn: string, previousAttempt = 0) => checkValidation(checkDeps, arn, previousAttempt),
    resend: (input: ResendValidationEmailRequest) =>
      resendValidationEmail({ ...mailing, region: REGION }, accountId, input),
  };
}
