/**
 * The real ASL file, run by the local interpreter with the real task handlers, for EMAIL validation: the
 * first step mails the links, the loop waits for approvals given through the approval desk, and the
 * certificate is issued, times out after 72 hours (by moving the clock), or survives a failed send. The
 * store is dynalite; mail goes to a recording Mailer; only the Wait state is shortened.
 */
import { describe, expect, it } from 'vitest';
import { cryptoRandom } from '../../functions/adapters/runtime/crypto-random.ts';
import { createApprovalDesk } from '../../functions/core/approvals/approval-desk-service.ts';
import { parseCertificateArn } from '../../functions/core/arn.ts';
import {
  type CertificateRequest,
  requestCertificate,
} from '../../functions/core/certificates/request-certificate.ts';
import type { DnsZoneWriter } from '../../functions/core/ports.ts';
import { eventually } from '../support/eventually.ts';
import { FakeClock, HOUR_MS } from '../support/fake-clock.ts';
import { RecordingEvents } from '../support/recording-events.ts';
import { ACCOUNT, HmacMac, TEST_SETTINGS } from '../unit/core/core-fixtures.ts';
import { RecordingMailer, tokenIn } from '../unit/core/email-fixtures.ts';
import { newWorkflowRunner, storedByArn, useWorkflowBackends } from './workflow-harness.ts';

const backends = useWorkflowBackends();

class RecordingZones implements DnsZoneWriter {
  readonly written: string[] = [];
  manages = () => true;
  async upsertCname(name: string): Promise<void> {
    this.written.push(name);
  }
}

function newWorkflow() {
  const clock = new FakeClock(new Date());
  const mailer = new RecordingMailer();
  const events = new RecordingEvents();
  const zones = new RecordingZones();
  const store = backends.store;
  const runner = newWorkflowRunner(
    backends,
    { clock, events, zoneWriter: zones, mailer },
    { waitTimeOverrides: { WaitForValidation: 10 }, retryIntervalMs: 1 },
  );
  const request = (domainName: string, more: Partial<CertificateRequest> = {}) =>
    requestCertificate(
      {
        store,
        workflow: runner,
        clock,
        random: cryptoRandom,
        mac: new HmacMac(),
        settings: TEST_SETTINGS,
        caAlgorithm: backends.ca.signer.algorithm,
        issuerName: 'Certwright Test',
      },
      ACCOUNT,
      { domainName, validationMethod: 'EMAIL', ...more },
    );
  const stored = (arn: string) => storedByArn(store, arn);
  const mailsAbout = (domainName: string, count: number) =>
    eventually(async () => {
      const messages = mailer.about(domainName);
      return messages.length >= count && messages;
    }, `${count} messages about ${domainName}`);
  return {
    clock,
    mailer,
    events,
    zones,
    runner,
    request,
    stored,
    mailsAbout,
    desk: createApprovalDesk({ store, clock }),
  };
}

describe('certificate workflow, EMAIL validation', () => {
  it('mails every domain, waits for each approval, then issues', async () => {
    const w = newWorkflow();
    const arn = await w.request('mail.example.test', { subjectAlternativeNames: ['www.mail.example.test'] });
    const [apex] = await w.mailsAbout('mail.example.test', 5);
    const [www] = await w.mailsAbout('www.mail.example.test', 5);
    expect((await w.desk.approve(tokenIn(apex))).ok).toBe(true);
    await eventually(
      async () => (await w.stored(arn))?.domainValidations[0]?.status === 'SUCCESS',
      'the first approval recorded',
    );
    expect((await w.stored(arn))?.status).toBe('PENDING_VALIDATION');
    expect(w.runner.isRunning(parseCertificateArn(arn).certificateId)).toBe(true);

    expect((await w.desk.approve(tokenIn(www))).ok).toBe(true);
    await w.runner.idle();
    const issued = await w.stored(arn);
    expect(issued?.status).toBe('ISSUED');
    expect(issued?.issued?.certificatePem).toContain('BEGIN CERTIFICATE');
    expect(w.events.of(arn)).toEqual(['ACM Certificate Available']);
    expect(w.mailer.sent).toHaveLength(10);
    expect(w.zones.written).toEqual([]);
    expect(await w.desk.describe(tokenIn(apex))).toEqual({ ok: false, problem: 'USED' });
  });

  it('times out after 72 hours without approval; the link then answers EXPIRED', async () => {
    const w = newWorkflow();
    const arn = await w.request('silent.example.test');
    const [message] = await w.mailsAbout('silent.example.test', 5);
    w.clock.advance(TEST_SETTINGS.validationTimeoutHours * HOUR_MS);
    await w.runner.idle();
    expect((await w.stored(arn))?.status).toBe('VALIDATION_TIMED_OUT');
    expect(await w.desk.approve(tokenIn(message))).toEqual({ ok: false, problem: 'EXPIRED' });
    expect(w.mailer.sent).toHaveLength(5);
  });

  it('retries a send that failed half way with a new link, which works', async () => {
    const w = newWorkflow();
    w.mailer.failAfter(3);
    const arn = await w.request('flaky.example.test');
    const messages = await w.mailsAbout('flaky.example.test', 8);
    expect(await w.desk.describe(tokenIn(messages[0]))).toEqual({ ok: false, problem: 'USED' });
    expect((await w.desk.approve(tokenIn(messages[7]))).ok).toBe(true);
    await w.runner.idle();
    expect((await w.stored(arn))?.status).toBe('ISSUED');
    expect(w.mailer.sent).toHaveLength(8);
  });
});
