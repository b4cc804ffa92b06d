/**
 * ValidateNow's short run (input `once: true`) through the real ASL file, run by the local interpreter with
 * the real task handlers: it checks once, issues if every name is proven, and otherwise ends without waiting
 * and without touching the schedule's next check. The store is dynalite; DNS is scripted.
 */
import { describe, expect, it } from 'vitest';
import type { CertificateRecord } from '../../functions/core/model.ts';
import type { DnsZoneWriter } from '../../functions/core/ports.ts';
import { FakeClock } from '../support/fake-clock.ts';
import { lookup, pendingCertificate, ScriptedResolver } from '../unit/core/core-fixtures.ts';
import { newWorkflowRunner, useWorkflowBackends } from './workflow-harness.ts';

const backends = useWorkflowBackends();

const PLANNED = '2026-03-01T12:05:00.000Z';
let counter = 0;

function newWorkflow() {
  const dns = new ScriptedResolver();
  const zoneWrites: string[] = [];
  const zoneWriter: DnsZoneWriter = {
    manages: () => true,
    upsertCname: async (name) => void zoneWrites.push(name),
  };
  const logs: Array<Record<string, unknown>> = [];
  const runner = newWorkflowRunner(
    backends,
    { resolver: dns, clock: new FakeClock(new Date('2026-03-01T12:00:00.000Z')), zoneWriter },
    { retryIntervalMs: 1, log: (entry) => void logs.push(entry) },
  );

  /** A pending certificate whose schedule last checked it and plans its next check at PLANNED. */
  const pending = async (): Promise<CertificateRecord> => {
    counter += 1;
    const base = pendingCertificate({
      id: `00a0e000-0000-4000-8000-${counter.toString(16).padStart(12, '0')}`,
      validationDeadline: '2026-03-04T12:00:00.000Z',
    });
    const certificate = {
      ...base,
      domainValidations: base.domainValidations.map((dv) => ({
        ...dv,
        lastCheck: { at: '2026-03-01T11:55:00.000Z', outcome: 'NXDOMAIN', nextCheckAt: PLANNED },
      })),
    };
    await backends.store.create(certificate);
    return certificate;
  };
  const runOnce = async (certificate: CertificateRecord) => {
    await runner.start(`${certificate.id}-now-1`, { certificateArn: certificate.arn, once: true });
    await runner.idle();
  };
  const stored = async (certificate: CertificateRecord) =>
    backends.store.get(certificate.accountId, certificate.id);
  return { dns, zoneWrites, logs, pending, runOnce, stored };
}

function recordOf(certificate: CertificateRecord) {
  const record = certificate.domainValidations[0]?.resourceRecord;
  if (!record) throw new Error('no record');
  return record;
}

describe('certificate workflow, a ValidateNow run', () => {
  it('checks once and ends while a name is still unproven: no wait, no publishing, the next check kept', async () => {
    const w = newWorkflow();
    const certificate = await w.pending();
    w.dns.answer('CNAME', recordOf(certificate).Name, lookup('FOUND', ['elsewhere.example.net']));
    await w.runOnce(certificate);

    const after = await w.stored(certificate);
    expect(after?.status).toBe('PENDING_VALIDATION');
    expect(after?.domainValidations[0]?.lastCheck).toMatchObject({
      at: '2026-03-01T12:00:00.000Z',
      outcome: 'CNAME_MISMATCH',
      found: ['elsewhere.example.net'],
      nextCheckAt: PLANNED,
    });
    expect(w.dns.queries.filter((query) => query.type === 'CNAME')).toHaveLength(1);
    expect(w.zoneWrites).toEqual([]);
    expect(w.logs.map((entry) => entry.message)).toEqual(['workflow finished']);
  });

  it('issues when every name is proven', async () => {
    const w = newWorkflow();
    const certificate = await w.pending();
    const record = recordOf(certificate);
    w.dns.answer('CNAME', record.Name, lookup('FOUND', [record.Value.replace(/\.$/, '')]));
    await w.runOnce(certificate);

    const after = await w.stored(certificate);
    expect(after?.status).toBe('ISSUED');
    expect(after?.issued?.certificatePem).toContain('BEGIN CERTIFICATE');
    expect(w.zoneWrites).toEqual([]);
    expect(w.logs.map((entry) => entry.message)).toEqual(['workflow finished']);
  });

  it('stops at once for a certificate that is no longer pending', async () => {
    const w = newWorkflow();
    const certificate = await w.pending();
    await backends.store.save({ ...certificate, status: 'FAILED', failureReason: 'OTHER' });
    await w.runOnce(certificate);
    expect(w.dns.queries).toEqual([]);
    expect((await w.stored(certificate))?.status).toBe('FAILED');
    expect(w.logs.map((entry) => entry.message)).toEqual(['workflow finished']);
  });
});
