/**
 * The renewal run's validation steps in renewal mode, on dynalite: publish (records again, fresh approval
 * mail), check (DNS proof, CAA, PENDING_VALIDATION, NotAfter), record failure, and the approval desk on a
 * renewal's link. Each works only on the renewal under way of its cycle, on an ISSUED certificate.
 */
import { describe, expect, it } from 'vitest';
import { createApprovalDesk } from '../../../functions/core/approvals/approval-desk-service.ts';
import { recordRenewalFailure } from '../../../functions/core/certificates/record-failure.ts';
import { CaaForbiddenError } from '../../../functions/core/errors.ts';
import type { CertificateRecord, DomainValidation, RenewalState } from '../../../functions/core/model.ts';
import { checkRenewalValidation } from '../../../functions/core/validation/check-renewal-validation.ts';
import { publishRenewalValidation } from '../../../functions/core/validation/publish-renewal-validation.ts';
import { createWorkflowTaskHandlers } from '../../../functions/tasks/workflow-task-handlers.ts';
import { issuedBody } from '../../support/certificate-bodies.ts';
import { FakeClock, HOUR_MS } from '../../support/fake-clock.ts';
import {
  caaLookup,
  lookup,
  pendingCertificate,
  ScriptedResolver,
  TEST_SETTINGS,
  useDynaliteStore,
} from './core-fixtures.ts';
import { approvalMailDeps, RecordingMailer, RecordingZones, tokenIn } from './email-fixtures.ts';

const dynamo = useDynaliteStore();
const NOW = new Date('2027-01-10T10:00:00.000Z');
const NOT_AFTER = '2027-02-01T00:00:00.000Z';
const BODY = issuedBody({ subject: 'CN=example.test', notAfter: new Date(NOT_AFTER) });

const DNS_NAME: DomainValidation = pendingCertificate().domainValidations[0] as DomainValidation;
const RECORD = DNS_NAME.resourceRecord as NonNullable<DomainValidation['resourceRecord']>;
const EMAIL_NAME: DomainValidation = {
  domainName: 'example.test',
  validationDomain: 'example.test',
  validationMethod: 'EMAIL',
  status: 'PENDING_VALIDATION',
  validationEmails: ['admin@example.test', 'hostmaster@example.test'],
};

/** An ISSUED certificate with renewal cycle 3 under way for `name`. */
async function inRenewal(
  name: DomainValidation,
  renewal: Partial<RenewalState> = {},
): Promise<CertificateRecord> {
  const certificate = pendingCertificate({
    status: 'ISSUED',
    issued: await BODY,
    domainValidations: [{ ...name, status: 'SUCCESS' }],
    renewal: {
      status: 'PENDING_AUTO_RENEWAL',
      updatedAt: NOW.toISOString(),
      cycle: 3,
      domainValidations: [name],
      ...renewal,
    },
  });
  await dynamo.store.create(certificate);
  return certificate;
}

const reread = async (certificate: CertificateRecord) =>
  (await dynamo.store.get(certificate.accountId, certificate.id)) as CertificateRecord;

function setup() {
  const clock = new FakeClock(NOW);
  const resolver = new ScriptedResolver();
  const mailer = new RecordingMailer();
  const zones = new RecordingZones(['example.test']);
  const checkDeps = {
    store: dynamo.store,
    resolver,
    clock,
    pollSchedule: TEST_SETTINGS.pollSchedule,
    caaIdentities: TEST_SETTINGS.caaIdentities,
  };
  const publishDeps = { ...approvalMailDeps(dynamo.store, clock, mailer), zoneWriter: zones };
  return { clock, resolver, mailer, zones, checkDeps, publishDeps };
}

describe('publishRenewalValidation', () => {
  it('writes a DNS name’s record into the managed zone again and answers the cycle', async () => {
    const { zones, publishDeps } = setup();
    const certificate = await inRenewal(DNS_NAME);
    expect(await publishRenewalValidation(publishDeps, certificate.arn)).toEqual({
      published: [RECORD.Name.slice(0, -1)],
      mailed: [],
      cycle: 3,
    });
    expect(zones.written).toEqual([{ name: RECORD.Name.slice(0, -1), value: RECORD.Value.slice(0, -1) }]);
  });

  it('mails an EMAIL name a fresh link valid until NotAfter, recorded on the renewal; a rerun mails nothing', async () => {
    const { mailer, publishDeps } = setup();
    const certificate = await inRenewal(EMAIL_NAME);
    expect((await publishRenewalValidation(publishDeps, certificate.arn)).mailed).toEqual(['example.test']);
    expect(mailer.sent.map((message) => message.to)).toEqual([
      ['admin@example.test'],
      ['hostmaster@example.test'],
    ]);
    expect(mailer.sent[0]?.text).toContain('The certificate for example.test is due for renewal');
    expect(mailer.sent[0]?.text).toContain(new Date(NOT_AFTER).toUTCString());
    const after = await reread(certificate);
    expect(after.renewal?.domainValidations?.[0]?.approval).toEqual({
      tokenHash: expect.any(String),
      sentAt: NOW.toISOString(),
    });
    expect(after.domainValidations).toEqual(certificate.domainValidations);

    expect((await publishRenewalValidation(publishDeps, certificate.arn)).mailed).toEqual([]);
    expect(mailer.sent).toHaveLength(2);
  });

  it('does nothing, and answers cycle 0, when no renewal is under way', async () => {
    const { zones, mailer, publishDeps } = setup();
    const finished = await inRenewal(EMAIL_NAME, { status: 'SUCCESS' });
    expect(await publishRenewalValidation(publishDeps, finished.arn)).toEqual({
      published: [],
      mailed: [],
      cycle: 0,
    });
    expect(zones.written).toEqual([]);
    expect(mailer.sent).toEqual([]);
    expect(await reread(finished)).toEqual(finished);
  });
});

describe('the approval desk on a renewal’s link', () => {
  it('approves the name on the renewal’s validations, once; the issuance’s stay as they were', async () => {
    const { clock, mailer, publishDeps } = setup();
    const certificate = await inRenewal(EMAIL_NAME);
    await publishRenewalValidation(publishDeps, certificate.arn);
    const desk = createApprovalDesk({ store: dynamo.store, clock });
    const token = tokenIn(mailer.sent[0]);

    expect(await desk.approve(token)).toMatchObject({ ok: true, request: { expiresAt: NOT_AFTER } });
    const after = await reread(certificate);
    expect(after.renewal?.domainValidations?.[0]).toEqual({ ...EMAIL_NAME, status: 'SUCCESS' });
    expect(after.domainValidations).toEqual(certificate.domainValidations);
    expect(await desk.approve(token)).toEqual({ ok: false, problem: 'USED' });
  });

  it('answers EXPIRED for a renewal link once that renewal failed', async () => {
    const { clock, mailer, publishDeps } = setup();
    const certificate = await inRenewal(EMAIL_NAME);
    await publishRenewalValidation(publishDeps, certificate.arn);
    await recordRenewalFailure({ store: dynamo.store, clock }, certificate.arn, 3);
    const desk = createApprovalDesk({ store: dynamo.store, clock });
    expect(await desk.approve(tokenIn(mailer.sent[0]))).toEqual({ ok: false, problem: 'EXPIRED' });
  });
});

describe('checkRenewalValidation', () => {
  it('validates a name whose record is in place, and CAA permitting: VALIDATED, recorded on the renewal', async () => {
    const { resolver, checkDeps } = setup();
    resolver.answer('CNAME', RECORD.Name, lookup('FOUND', [RECORD.Value]));
    const certificate = await inRenewal(DNS_NAME);
    expect(await checkRenewalValidation(checkDeps, certificate.arn, 3, 0)).toEqual({
      outcome: 'VALIDATED',
      attempt: 1,
      waitSeconds: 0,
      cycle: 3,
    });
    const after = await reread(certificate);
    expect(after.renewal?.domainValidations?.[0]).toMatchObject({
      status: 'SUCCESS',
      lastCheck: { outcome: 'CNAME_MATCH' },
    });
    expect(after.renewal?.status).toBe('PENDING_AUTO_RENEWAL');
    expect(after.domainValidations).toEqual(certificate.domainValidations);
    expect(after.issued).toEqual(certificate.issued);
  });

  it('puts a renewal whose record is gone in PENDING_VALIDATION (PENDING_DOMAIN_VALIDATION) and polls on', async () => {
    const { clock, checkDeps } = setup();
    const certificate = await inRenewal(DNS_NAME);
    const result = await checkRenewalValidation(checkDeps, certificate.arn, 3, 0);
    expect(result).toEqual({
      outcome: 'PENDING',
      attempt: 1,
      waitSeconds: TEST_SETTINGS.pollSchedule.initialSeconds,
      cycle: 3,
    });
    const after = await reread(certificate);
    expect(after.renewal).toMatchObject({
      status: 'PENDING_VALIDATION',
      statusReason: 'PENDING_DOMAIN_VALIDATION',
      updatedAt: NOW.toISOString(),
    });
    expect(after.renewal?.domainValidations?.[0]?.lastCheck).toMatchObject({
      outcome: 'NXDOMAIN',
      nextCheckAt: new Date(NOW.getTime() + result.waitSeconds * 1000).toISOString(),
    });

    // Days later, still missing: the wait never goes past NotAfter, and at NotAfter the run ends.
    clock.advance(Date.parse(NOT_AFTER) - NOW.getTime() - 30_000);
    expect((await checkRenewalValidation(checkDeps, certificate.arn, 3, 40)).waitSeconds).toBe(30);
    clock.advance(30_000);
    const atNotAfter = await reread(certificate);
    expect(await checkRenewalValidation(checkDeps, certificate.arn, 3, 41)).toMatchObject({
      outcome: 'TIMED_OUT',
    });
    expect(await reread(certificate)).toEqual(atNotAfter);
  });

  it('fails the renewal when CAA forbids this CA: FAILED, CAA_ERROR, the body kept', async () => {
    const { resolver, checkDeps } = setup();
    resolver.answer('CNAME', RECORD.Name, lookup('FOUND', [RECORD.Value]));
    resolver.answer('CAA', 'example.test', caaLookup({ flags: 0, tag: 'issue', value: 'letsencrypt.org' }));
    const certificate = await inRenewal(DNS_NAME);
    await expect(checkRenewalValidation(checkDeps, certificate.arn, 3, 0)).rejects.toThrow(CaaForbiddenError);
    const after = await reread(certificate);
    expect(after.status).toBe('ISSUED');
    expect(after.issued).toEqual(certificate.issued);
    expect(after.renewal).toMatchObject({ status: 'FAILED', statusReason: 'CAA_ERROR' });
    expect(after.renewal?.domainValidations?.[0]).toMatchObject({
      status: 'FAILED',
      lastCheck: { outcome: 'CAA_FORBIDDEN' },
    });
  });

  it('stops without writing for another cycle, a finished renewal, or a certificate no longer ISSUED', async () => {
    const { checkDeps } = setup();
    const current = await inRenewal(DNS_NAME);
    const finished = await inRenewal(DNS_NAME, { status: 'FAILED', statusReason: 'OTHER' });
    const expired = await inRenewal(DNS_NAME);
    await dynamo.store.save({ ...expired, status: 'EXPIRED' });
    for (const [certificate, cycle] of [
      [current, 2],
      [finished, 3],
      [expired, 3],
    ] as const) {
      const before = await reread(certificate);
      expect(await checkRenewalValidation(checkDeps, certificate.arn, cycle, 0)).toEqual({
        outcome: 'STOPPED',
        attempt: 1,
        waitSeconds: 0,
        cycle,
      });
      expect(await reread(certificate)).toEqual(before);
    }
  });
});

describe('recordRenewalFailure', () => {
  it('fails the renewal of its cycle with a reason, keeps the certificate ISSUED, and drops a claim to sign', async () => {
    const clock = new FakeClock(NOW);
    const certificate = await inRenewal(DNS_NAME);
    await dynamo.store.save({ ...certificate, issuing: { claimId: 'c', claimedAt: NOW.toISOString() } });
    clock.advance(HOUR_MS);
    expect(await recordRenewalFailure({ store: dynamo.store, clock }, certificate.arn, 3)).toBe(true);
    const after = await reread(certificate);
    expect(after).toEqual({
      ...certificate,
      version: certificate.version + 2,
      renewal: {
        ...certificate.renewal,
        status: 'FAILED',
        statusReason: 'OTHER',
        updatedAt: clock.now().toISOString(),
      },
    });
    expect(await recordRenewalFailure({ store: dynamo.store, clock }, certificate.arn, 3)).toBe(false);
  });

  it('leaves another cycle’s renewal alone; without a cycle it fails the one under way', async () => {
    const clock = new FakeClock(NOW);
    const certificate = await inRenewal(DNS_NAME);
    expect(await recordRenewalFailure({ store: dynamo.store, clock }, certificate.arn, 2)).toBe(false);
    expect(await reread(certificate)).toEqual(certificate);
    expect(await recordRenewalFailure({ store: dynamo.store, clock }, certificate.arn, undefined)).toBe(true);
    expect((await reread(certificate)).renewal?.status).toBe('FAILED');
  });
});

describe('the workflow task handlers in renewal mode', () => {
  it('dispatch on renewal: true, and a run that never learnt its cycle (0) stops everywhere', async () => {
    const { clock, resolver, mailer, zones } = setup();
    const handlers = createWorkflowTaskHandlers({
      store: dynamo.store,
      resolver,
      clock,
      random: approvalMailDeps(dynamo.store, clock, mailer).random,
      pollSchedule: TEST_SETTINGS.pollSchedule,
      caaIdentities: TEST_SETTINGS.caaIdentities,
      signer: {
        algorithm: 'RSA_2048',
        publicKeySpki: async () => new Uint8Array(),
        sign: async () => {
          throw new Error('no signing here');
        },
      },
      issuer: {
        current: async () => {
          throw new Error('no issuer here');
        },
      },
      vault: { seal: async () => '', open: async () => new Uint8Array() },
      profile: TEST_SETTINGS.profile,
      events: { publish: async () => undefined },
      zoneWriter: zones,
      mailer,
      approvalBaseUrl: TEST_SETTINGS.approvalBaseUrl,
    });
    const certificate = await inRenewal(DNS_NAME);
    const certificateArn = certificate.arn;
    expect(await handlers['publish-validation-records']({ certificateArn, renewal: true })).toMatchObject({
      attempt: 0,
      cycle: 3,
    });
    expect(
      await handlers['check-validation']({ certificateArn, renewal: true, attempt: 0, cycle: 0 }),
    ).toEqual({
      outcome: 'STOPPED',
      attempt: 1,
      waitSeconds: 0,
      cycle: 0,
    });
    expect(await handlers['issue-certificate']({ certificateArn, renewal: true, cycle: 0 })).toEqual({
      outcome: 'STOPPED',
    });
    expect(
      await handlers['check-validation']({ certificateArn, renewal: true, attempt: 0, cycle: 3 }),
    ).toMatchObject({
      outcome: 'PENDING',
    });
    // A request's run of an ISSUED certificate still stops at once.
    expect(await handlers['check-validation']({ certificateArn, attempt: 0 })).toMatchObject({
      outcome: 'STOPPED',
    });
    expect(
      await handlers['record-failure']({ certificateArn, renewal: true, cycle: 3, error: { Error: 'X' } }),
    ).toEqual({});
    expect((await reread(certificate)).renewal).toMatchObject({ status: 'FAILED', statusReason: 'OTHER' });
  });
});
