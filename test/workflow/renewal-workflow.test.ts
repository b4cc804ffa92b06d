/**
 * Managed renewal through the real ASL file, run by the local interpreter with the real task handlers: a
 * certificate is issued by its own run, then startRenewal starts `<id>-renewal-<cycle>` with renewal: true.
 * The store is dynalite; DNS is scripted; mail goes to a recording Mailer; only the Wait state and retry
 * intervals are shortened.
 */

import { describe, expect, it } from 'vitest';
import { createApprovalDesk } from '../../functions/core/approvals/approval-desk-service.ts';
import { updateCertificate } from '../../functions/core/certificates/update-certificate.ts';
import type { CertificateRecord, ValidationMethod } from '../../functions/core/model.ts';
import { startRenewal } from '../../functions/core/renewal/start-renewal.ts';
import { eventually } from '../support/eventually.ts';
import { FakeClock } from '../support/fake-clock.ts';
import { RecordingEvents } from '../support/recording-events.ts';
import { caaLookup, lookup, pendingCertificate, ScriptedResolver } from '../unit/core/core-fixtures.ts';
import { RecordingMailer, tokenIn } from '../unit/core/email-fixtures.ts';
import { newWorkflowRunner, storedByArn, useWorkflowBackends } from './workflow-harness.ts';

const backends = useWorkflowBackends();

let counter = 0;

function newWorkflow() {
  const dns = new ScriptedResolver();
  const clock = new FakeClock();
  const events = new RecordingEvents();
  const mailer = new RecordingMailer();
  const failures: Array<Record<string, unknown>> = [];
  const runner = newWorkflowRunner(
    backends,
    { resolver: dns, clock, events, mailer },
    {
      waitTimeOverrides: { WaitForValidation: 10, WaitForRenewalValidation: 10 },
      retryIntervalMs: 1,
      log: (entry) => {
        if (entry.message === 'workflow failed') failures.push(entry);
      },
    },
  );
  const stored = async (arn: string) => {
    const certificate = await storedByArn(backends.store, arn);
    if (!certificate) throw new Error(`${arn} is gone`);
    return certificate;
  };

  /** A certificate issued by its own run, its names proven (DNS: record answered; EMAIL: approved). */
  const issued = async (names: string[], validationMethod: ValidationMethod): Promise<CertificateRecord> => {
    counter += 1;
    const certificate = pendingCertificate({
      id: `bead0000-0000-4000-8000-${counter.toString(16).padStart(12, '0')}`,
      domainName: names[0],
      subjectAlternativeNames: names,
      subject: `CN=${names[0]}`,
      options: { certificateTransparencyLoggingPreference: 'ENABLED', export: 'ENABLED' },
      validationDeadline: new Date(clock.now().getTime() + 72 * 3_600_000).toISOString(),
      domainValidations: names.map((domainName, index) => ({
        domainName,
        validationDomain: domainName,
        validationMethod,
        status: 'SUCCESS' as const,
        ...(validationMethod === 'DNS'
          ? { resourceRecord: recordOf(domainName, index) }
          : { validationEmails: [`admin@${domainName}`, `webmaster@${domainName}`] }),
      })),
    });
    await backends.store.create(certificate);
    await runner.start(certificate.id, { certificateArn: certificate.arn });
    await runner.idle();
    const after = await stored(certificate.arn);
    expect(after.status).toBe('ISSUED');
    return after;
  };

  const publishRecords = (certificate: CertificateRecord) => {
    for (const dv of certificate.domainValidations) {
      if (dv.resourceRecord)
        dns.answer('CNAME', dv.resourceRecord.Name, lookup('FOUND', [dv.resourceRecord.Value]));
    }
  };
  const removeRecords = (certificate: CertificateRecord) => {
    for (const dv of certificate.domainValidations)
      if (dv.resourceRecord) dns.forget('CNAME', dv.resourceRecord.Name);
  };
  const renew = (certificate: CertificateRecord) =>
    startRenewal({ store: backends.store, workflow: runner, clock }, certificate.accountId, certificate.id);
  const availableActions = (arn: string) =>
    events.published
      .filter((event) => event.certificateArn === arn && event.detailType === 'ACM Certificate Available')
      .map((event) => event.detail.Action);

  return {
    dns,
    clock,
    events,
    mailer,
    runner,
    failures,
    stored,
    issued,
    publishRecords,
    removeRecords,
    renew,
    availableActions,
    desk: createApprovalDesk({ store: backends.store, clock }),
  };
}

function recordOf(domainName: string, index: number) {
  const hex = (index + 1).toString(16).padStart(32, '0');
  return { Name: `_${hex}.${domainName}.`, Type: 'CNAME' as const, Value: `_${hex}.validations.test.` };
}

describe('renewal workflow', () => {
  it('renews a DNS-validated certificate whose records are in place: new serial and key, same ARN, SUCCESS', async () => {
    const w = newWorkflow();
    const before = await w.issued(['renew.example.test', 'www.renew.example.test'], 'DNS');
    w.publishRecords(before);
    await backends.store.save({
      ...before,
      expiryNotices: { approachingSentOn: '2026-01-01', actionRequiredSent: [45] },
      scheduledWorkAt: before.issued?.notAfter,
    });

    w.clock.advance(60_000);
    expect(await w.renew(before)).toMatchObject({ status: 'PENDING_AUTO_RENEWAL', cycle: 1 });
    await w.runner.idle();

    const after = await w.stored(before.arn);
    expect(after.status).toBe('ISSUED');
    expect(after.arn).toBe(before.arn);
    expect(after.issued?.serialHex).not.toBe(before.issued?.serialHex);
    expect(after.issued?.sealedPrivateKey).not.toBe(before.issued?.sealedPrivateKey);
    expect(after.issued?.certificatePem).not.toBe(before.issued?.certificatePem);
    expect(after.issued?.origin).toBe('RENEWAL');
    expect(Date.parse(after.issued?.notAfter ?? '')).toBeGreaterThan(
      Date.parse(before.issued?.notAfter ?? ''),
    );
    expect(after.subjectAlternativeNames).toEqual(before.subjectAlternativeNames);
    expect(after.keyAlgorithm).toBe(before.keyAlgorithm);
    expect(after.options).toEqual(before.options);
    expect(after.renewal).toMatchObject({ status: 'SUCCESS', cycle: 1 });
    expect(after.renewal?.statusReason).toBeUndefined();
    expect(after.renewal?.domainValidations?.map((dv) => dv.status)).toEqual(['SUCCESS', 'SUCCESS']);
    expect(after.domainValidations).toEqual(before.domainValidations);
    expect(after.expiryNotices).toBeUndefined();
    expect(w.availableActions(before.arn)).toEqual(['ISSUANCE', 'RENEWAL']);
    expect(w.failures).toEqual([]);
  });

  it('waits in PENDING_VALIDATION while a record is missing, and renews once it is back', async () => {
    const w = newWorkflow();
    const before = await w.issued(['gone.example.test'], 'DNS');
    w.removeRecords(before);
    await w.renew(before);

    const waiting = await eventually(async () => {
      const current = await w.stored(before.arn);
      return current.renewal?.status === 'PENDING_VALIDATION' && current;
    }, 'the renewal to wait for validation');
    expect(waiting.renewal?.statusReason).toBe('PENDING_DOMAIN_VALIDATION');
    expect(waiting.renewal?.domainValidations?.[0]).toMatchObject({
      status: 'PENDING_VALIDATION',
      lastCheck: { outcome: 'NXDOMAIN', nextCheckAt: expect.any(String) },
    });
    expect(waiting.issued).toEqual(before.issued);
    expect(w.runner.isRunning(`${before.id}-renewal-1`)).toBe(true);

    w.publishRecords(before);
    await w.runner.idle();
    const after = await w.stored(before.arn);
    expect(after.renewal).toMatchObject({ status: 'SUCCESS', cycle: 1 });
    expect(after.issued?.serialHex).not.toBe(before.issued?.serialHex);
    expect(w.availableActions(before.arn)).toEqual(['ISSUANCE', 'RENEWAL']);
  });

  it('fails the renewal when CAA forbids this CA now: FAILED, CAA_ERROR, the certificate keeps its body', async () => {
    const w = newWorkflow();
    const before = await w.issued(['caa.example.test'], 'DNS');
    w.publishRecords(before);
    w.dns.answer('CAA', 'example.test', caaLookup({ flags: 0, tag: 'issue', value: 'letsencrypt.org' }));
    await w.renew(before);
    await w.runner.idle();

    const after = await w.stored(before.arn);
    expect(after.status).toBe('ISSUED');
    expect(after.issued).toEqual(before.issued);
    expect(after.renewal).toMatchObject({ status: 'FAILED', statusReason: 'CAA_ERROR', cycle: 1 });
    expect(after.renewal?.domainValidations?.[0]).toMatchObject({
      status: 'FAILED',
      lastCheck: {
        outcome: 'CAA_FORBIDDEN',
        detail:
          'CAA at example.test (0 issue "letsencrypt.org") does not permit certwright for caa.example.test',
      },
    });
    expect(w.availableActions(before.arn)).toEqual(['ISSUANCE']);
    expect(w.failures).toHaveLength(1);
    expect(String(w.failures[0]?.error)).toContain('see its RenewalSummary');
  });

  it('mails EMAIL approvers fresh links; the approval desk approves the renewal, which then succeeds', async () => {
    const w = newWorkflow();
    const before = await w.issued(['mail.example.test'], 'EMAIL');
    await w.renew(before);

    const messages = await eventually(async () => {
      const sent = w.mailer.about('mail.example.test');
      return sent.length === 2 && sent;
    }, 'the renewal approval mail');
    expect(messages.map((message) => message.to)).toEqual([
      ['admin@mail.example.test'],
      ['webmaster@mail.example.test'],
    ]);
    expect(messages[0]?.text).toContain('The certificate for mail.example.test is due for renewal');
    const waiting = await eventually(async () => {
      const current = await w.stored(before.arn);
      return current.renewal?.status === 'PENDING_VALIDATION' && current;
    }, 'the renewal to wait for approval');
    expect(waiting.renewal?.statusReason).toBe('PENDING_DOMAIN_VALIDATION');

    const token = tokenIn(messages[0]);
    expect(await w.desk.describe(token)).toMatchObject({
      ok: true,
      request: { domainName: 'mail.example.test', expiresAt: before.issued?.notAfter },
    });
    expect((await w.desk.approve(token)).ok).toBe(true);
    await w.runner.idle();

    const after = await w.stored(before.arn);
    expect(after.renewal).toMatchObject({ status: 'SUCCESS', cycle: 1 });
    expect(after.issued?.serialHex).not.toBe(before.issued?.serialHex);
    expect(after.domainValidations).toEqual(before.domainValidations);
    expect(await w.desk.approve(token)).toEqual({ ok: false, problem: 'USED' });
    expect(w.availableActions(before.arn)).toEqual(['ISSUANCE', 'RENEWAL']);
  });

  it('renews once when the same run is started twice, and a run started after it finished does nothing', async () => {
    const w = newWorkflow();
    const before = await w.issued(['twice.example.test'], 'DNS');
    w.publishRecords(before);
    await w.renew(before);
    await w.runner.start(`${before.id}-renewal-1`, { certificateArn: before.arn, renewal: true });
    await w.runner.idle();
    const renewed = await w.stored(before.arn);

    await w.runner.start(`${before.id}-renewal-1`, { certificateArn: before.arn, renewal: true });
    await w.runner.idle();
    expect(await w.stored(before.arn)).toEqual(renewed);
    expect(w.availableActions(before.arn)).toEqual(['ISSUANCE', 'RENEWAL']);
    expect(w.failures).toEqual([]);
  });

  it('lets a stale run of an old cycle stop without writing, while the new cycle renews', async () => {
    const w = newWorkflow();
    const before = await w.issued(['stale.example.test'], 'DNS');
    w.removeRecords(before);
    await w.renew(before);
    const waiting = await eventually(async () => {
      const current = await w.stored(before.arn);
      return current.renewal?.status === 'PENDING_VALIDATION' && current;
    }, 'cycle 1 to wait for validation');

    // Cycle 1 ends some other way and cycle 2 starts, while cycle 1's run still waits to check again (it may
    // write one more check meanwhile: the change is re-applied on the record it finds).
    const cycle2 = await updateCertificate(backends.store, waiting.accountId, waiting.id, (current) => ({
      ...current,
      renewal: {
        status: 'PENDING_AUTO_RENEWAL',
        updatedAt: w.clock.now().toISOString(),
        cycle: 2,
        domainValidations: before.domainValidations.map(({ lastCheck: _check, ...dv }) => ({
          ...dv,
          status: 'PENDING_VALIDATION' as const,
        })),
      },
    }));
    w.publishRecords(before);
    await w.runner.idle();
    expect(await w.stored(before.arn)).toEqual(cycle2);

    await w.runner.start(`${before.id}-renewal-2`, { certificateArn: before.arn, renewal: true });
    await w.runner.idle();
    const after = await w.stored(before.arn);
    expect(after.renewal).toMatchObject({ status: 'SUCCESS', cycle: 2 });
    expect(w.availableActions(before.arn)).toEqual(['ISSUANCE', 'RENEWAL']);
  });
});
