/**
 * EMAIL validation with the opt-in WHOIS contacts, through the use cases on the real DynamoDB store
 * (dynalite): the workflow's first step adds each domain's WHOIS contacts to its ValidationEmails and mails
 * them the same link; without a WhoisLookup nothing changes; a failing lookup never blocks the mail.
 */
import { describe, expect, it } from 'vitest';
import { certificateDetail } from '../../../functions/api/certificate-shapes.ts';
import { approvalTokenHash } from '../../../functions/core/approvals/approval-token.ts';
import { approverAddresses } from '../../../functions/core/approvals/approver-addresses.ts';
import { parseCertificateArn } from '../../../functions/core/arn.ts';
import { updateCertificate } from '../../../functions/core/certificates/update-certificate.ts';
import { InvalidDomainValidationOptionsError } from '../../../functions/core/errors.ts';
import type { DnsZoneWriter, MailMessage, WhoisLookup } from '../../../functions/core/ports.ts';
import { accountSeries, TEST_SETTINGS, useDynaliteStore } from './core-fixtures.ts';
import { RecordingMailer, tokenIn, validationSteps } from './email-fixtures.ts';

const START = new Date('2026-03-01T12:00:00.000Z');

const dynamo = useDynaliteStore();

/** Answers each domain's scripted contacts (none for the rest) and keeps the domains asked. */
class ScriptedWhois implements WhoisLookup {
  readonly asked: string[] = [];

  constructor(private readonly answers: Record<string, string[] | Error>) {}

  async contacts(domain: string): Promise<string[]> {
    this.asked.push(domain);
    const answer = this.answers[domain] ?? [];
    if (answer instanceof Error) throw answer;
    return answer;
  }
}

/** Runs `interrupt` before sending its first message. */
class InterruptingMailer extends RecordingMailer {
  constructor(private readonly interrupt: () => Promise<void>) {
    super();
  }

  override async send(message: MailMessage): Promise<{ messageId: string }> {
    if (this.sent.length === 0) await this.interrupt();
    return super.send(message);
  }
}

const NO_ZONES: DnsZoneWriter = {
  manages: () => false,
  upsertCname: async () => {
    throw new Error('an EMAIL certificate writes no record');
  },
};

const nextAccount = accountSeries(300_000_000_000, '2222');

function setup(options: { whois?: WhoisLookup; mailer?: RecordingMailer } = {}) {
  return validationSteps(dynamo.store, nextAccount(), START, {
    validationMethod: 'EMAIL',
    zoneWriter: NO_ZONES,
    ...options,
  });
}

const recipients = (messages: MailMessage[]) => messages.map((message) => message.to[0]);

const CONTACTS = ['owner@registrant-mail.net', 'hostmaster@example.com', 'noc@dns-operator.net'];

/** What DescribeCertificate answers as DomainValidationOptions[].ValidationEmails. */
async function describedEmails(t: ReturnType<typeof setup>, arn: string) {
  return certificateDetail(await t.stored(arn), TEST_SETTINGS.renewal).DomainValidationOptions.map(
    (option) => [option.DomainName, option.ValidationEmails],
  );
}

describe('EMAIL validation with a WhoisLookup', () => {
  it('mails the WHOIS contacts the same link and records them after the five, once per domain', async () => {
    const whois = new ScriptedWhois({ 'example.com': CONTACTS });
    const t = setup({ whois });
    const arn = await t.request('www.example.com', {
      subjectAlternativeNames: ['shop.example.com'],
      domainValidationOptions: [{ domainName: 'shop.example.com', validationDomain: 'example.com' }],
    });
    expect(await t.publish(arn)).toEqual({ published: [], mailed: ['www.example.com', 'shop.example.com'] });

    // One query for the domain both names' addresses are at; hostmaster@example.com is one of the five.
    expect(whois.asked).toEqual(['example.com']);
    const expected = [
      ...approverAddresses('example.com'),
      'owner@registrant-mail.net',
      'noc@dns-operator.net',
    ];
    expect(await describedEmails(t, arn)).toEqual([
      ['www.example.com', expected],
      ['shop.example.com', expected],
    ]);
    for (const domain of ['www.example.com', 'shop.example.com']) {
      const messages = t.mailer.about(domain);
      expect(recipients(messages)).toEqual(expected);
      expect(new Set(messages.map(tokenIn)).size).toBe(1);
    }

    // The link a WHOIS contact got is the domain's one current link: it approves.
    const contactMessage = t.mailer
      .about('www.example.com')
      .find((message) => message.to[0] === 'noc@dns-operator.net');
    const token = tokenIn(contactMessage);
    expect((await t.stored(arn)).domainValidations[0]?.approval?.tokenHash).toBe(approvalTokenHash(token));
    expect(await t.desk.approve(token)).toMatchObject({
      ok: true,
      request: { domainName: 'www.example.com', validationDomain: 'example.com' },
    });
    await t.desk.approve(tokenIn(t.mailer.about('shop.example.com')[0]));
    expect((await t.check(arn)).outcome).toBe('VALIDATED');
  });

  it('asks for the domain the approver addresses are at, as it is, for each domain that has none yet', async () => {
    const whois = new ScriptedWhois({});
    const t = setup({ whois });
    const arn = await t.request('*.app.sample.org', {
      subjectAlternativeNames: ['www.sample.net', 'deep.sub.sample.com'],
      domainValidationOptions: [{ domainName: 'deep.sub.sample.com', validationDomain: 'sample.com' }],
    });
    await t.publish(arn);
    expect(whois.asked.sort()).toEqual(['app.sample.org', 'sample.com', 'sample.net']);
    // Nothing answered: each domain keeps its five addresses.
    for (const dv of (await t.stored(arn)).domainValidations) expect(dv.validationEmails).toHaveLength(5);

    // A rerun of the step mails nobody and asks nothing.
    await t.publish(arn);
    expect(whois.asked).toHaveLength(3);
    expect(t.mailer.sent).toHaveLength(15);
  });

  it('mails the five alone when a lookup fails, and the other domains their contacts', async () => {
    const whois = new ScriptedWhois({
      'broken.net': new Error('the WHOIS adapter broke its promise'),
      'fine.net': ['owner@registrant-mail.net'],
    });
    const t = setup({ whois });
    const arn = await t.request('broken.net', { subjectAlternativeNames: ['fine.net'] });
    expect((await t.publish(arn)).mailed).toEqual(['broken.net', 'fine.net']);
    expect(recipients(t.mailer.about('broken.net'))).toEqual(approverAddresses('broken.net'));
    expect(recipients(t.mailer.about('fine.net'))).toEqual([
      ...approverAddresses('fine.net'),
      'owner@registrant-mail.net',
    ]);
  });

  it('drops what a lookup answers that is not a plain address, and lowercases the rest', async () => {
    const whois = new ScriptedWhois({
      'sample.net': ['Owner@Registrant-Mail.net', 'x@y.z\r\nBcc: victim@sample.net', 'REDACTED FOR PRIVACY'],
    });
    const t = setup({ whois });
    const arn = await t.request('sample.net');
    await t.publish(arn);
    expect((await t.stored(arn)).domainValidations[0]?.validationEmails).toEqual([
      ...approverAddresses('sample.net'),
      'owner@registrant-mail.net',
    ]);
  });

  it('resends to the recorded addresses without a lookup, and never takes a contact domain as ValidationDomain', async () => {
    const whois = new ScriptedWhois({ 'resend.net': ['owner@registrant-mail.net'] });
    const t = setup({ whois });
    const arn = await t.request('resend.net');
    await t.publish(arn);
    await t.resend({ certificateArn: arn, domain: 'resend.net', validationDomain: 'resend.net' });
    expect(whois.asked).toEqual(['resend.net']);
    const resent = t.mailer.sent.slice(6);
    expect(recipients(resent)).toEqual([...approverAddresses('resend.net'), 'owner@registrant-mail.net']);
    expect(new Set(resent.map(tokenIn)).size).toBe(1);

    const sent = t.mailer.sent.length;
    await expect(
      t.resend({ certificateArn: arn, domain: 'resend.net', validationDomain: 'registrant-mail.net' }),
    ).rejects.toThrow(InvalidDomainValidationOptionsError);
    expect(t.mailer.sent).toHaveLength(sent);
  });

  it('after a send failed half way, a retry looks up again and records each contact once', async () => {
    const whois = new ScriptedWhois({ 'retry.net': CONTACTS });
    const t = setup({ whois, mailer: new RecordingMailer().failAfter(6) });
    const arn = await t.request('retry.net');
    await expect(t.publish(arn)).rejects.toThrow('the mail service is unavailable');
    expect((await t.stored(arn)).domainValidations[0]?.validationEmails).toEqual(
      approverAddresses('retry.net'),
    );

    expect((await t.publish(arn)).mailed).toEqual(['retry.net']);
    expect(whois.asked).toEqual(['retry.net', 'retry.net']);
    expect((await t.stored(arn)).domainValidations[0]?.validationEmails).toEqual([
      ...approverAddresses('retry.net'),
      ...CONTACTS,
    ]);
  });

  it('records the contacts it mailed even when a resend made another link current meanwhile', async () => {
    const whois = new ScriptedWhois({ 'race.net': ['owner@registrant-mail.net'] });
    const resendHash = approvalTokenHash('resent-meanwhile');
    let arn = '';
    // On the step's first message, a resend's link is recorded, as the API would between the two writes.
    const mailer = new InterruptingMailer(async () => {
      const { accountId, certificateId } = parseCertificateArn(arn);
      await updateCertificate(dynamo.store, accountId, certificateId, (current) => ({
        ...current,
        domainValidations: current.domainValidations.map((dv) => ({
          ...dv,
          approval: { tokenHash: resendHash, sentAt: START.toISOString() },
        })),
      }));
    });
    const t = setup({ whois, mailer });
    arn = await t.request('race.net');
    expect((await t.publish(arn)).mailed).toEqual([]);
    const [dv] = (await t.stored(arn)).domainValidations;
    expect(dv?.approval?.tokenHash).toBe(resendHash);
    expect(dv?.validationEmails).toEqual([...approverAddresses('race.net'), 'owner@registrant-mail.net']);
  });
});

describe('EMAIL validation without a WhoisLookup', () => {
  it('mails the five approver addresses and records nothing else', async () => {
    const t = setup();
    const arn = await t.request('www.plain.net', { subjectAlternativeNames: ['plain.org'] });
    const before = await describedEmails(t, arn);
    expect(await t.publish(arn)).toEqual({ published: [], mailed: ['www.plain.net', 'plain.org'] });
    expect(await describedEmails(t, arn)).toEqual(before);
    expect(before).toEqual([
      ['www.plain.net', approverAddresses('plain.net')],
      ['plain.org', approverAddresses('plain.org')],
    ]);
    expect(recipients(t.mailer.sent)).toEqual([
      ...approverAddresses('plain.net'),
      ...approverAddresses('plain.org'),
    ]);
  });
});
