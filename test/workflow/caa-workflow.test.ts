/**
 * CAA through the real ASL file, run by the local interpreter with the real task handlers: a CAA set that
 * forbids this CA ends the certificate FAILED (CAA_ERROR) through the workflow's failure path, and a CAA
 * lookup that fails keeps it waiting until an answer permits issuance. The store is dynalite; DNS is
 * scripted; only the Wait state and retry intervals are shortened.
 */
import { describe, expect, it } from 'vitest';
import type { ValidationMethod } from '../../functions/core/model.ts';
import { eventually } from '../support/eventually.ts';
import { caaLookup, lookup, pendingCertificate, ScriptedResolver } from '../unit/core/core-fixtures.ts';
import { newWorkflowRunner, storedByArn, useWorkflowBackends } from './workflow-harness.ts';

const backends = useWorkflowBackends();

let counter = 0;

function newWorkflow() {
  const dns = new ScriptedResolver();
  const failures: Array<Record<string, unknown>> = [];
  const runner = newWorkflowRunner(
    backends,
    { resolver: dns },
    {
      waitTimeOverrides: { WaitForValidation: 10 },
      retryIntervalMs: 1,
      log: (entry) => {
        if (entry.message === 'workflow failed') failures.push(entry);
      },
    },
  );

  /** Starts the workflow for a certificate whose names are all proven (approved, or their CNAME found). */
  const start = async (names: string[], validationMethod: ValidationMethod) => {
    counter += 1;
    const certificate = pendingCertificate({
      id: `cafe0000-0000-4000-8000-${counter.toString(16).padStart(12, '0')}`,
      domainName: names[0],
      subjectAlternativeNames: names,
      subject: `CN=${names[0]}`,
      validationDeadline: new Date(Date.now() + 72 * 3_600_000).toISOString(),
      domainValidations: names.map((domainName) => ({
        domainName,
        validationDomain: domainName,
        validationMethod,
        status: 'SUCCESS' as const,
      })),
    });
    await backends.store.create(certificate);
    await runner.start(certificate.id, { certificateArn: certificate.arn });
    return certificate.arn;
  };
  const stored = (arn: string) => storedByArn(backends.store, arn);
  return { dns, runner, start, stored, failures };
}

describe('certificate workflow, CAA', () => {
  it('fails an approved EMAIL certificate that CAA forbids: FAILED, CAA_ERROR, nothing issued', async () => {
    const w = newWorkflow();
    w.dns.answer('CAA', 'example.com', caaLookup({ flags: 0, tag: 'issue', value: 'letsencrypt.org' }));
    const arn = await w.start(['www.example.com', 'www.example.net'], 'EMAIL');
    await w.runner.idle();

    const failed = await w.stored(arn);
    expect(failed).toMatchObject({ status: 'FAILED', failureReason: 'CAA_ERROR' });
    expect(failed?.issued).toBeUndefined();
    expect(failed?.domainValidations[0]).toMatchObject({
      status: 'FAILED',
      lastCheck: {
        outcome: 'CAA_FORBIDDEN',
        detail:
          'CAA at example.com (0 issue "letsencrypt.org") does not permit certwright for www.example.com',
      },
    });
    expect(failed?.domainValidations[1]?.status).toBe('SUCCESS');
    // Ended in the Fail state after RecordFailure, without retrying the check.
    expect(w.failures).toHaveLength(1);
    expect(String(w.failures[0]?.error)).toContain('see its FailureReason');
    expect(w.dns.caaQueries.filter((name) => name === 'example.com')).toHaveLength(1);
  });

  it('keeps a DNS-validated certificate pending through SERVFAIL, then issues once CAA answers', async () => {
    const w = newWorkflow();
    let servfails = 0;
    w.dns.answer('CAA', 'shop.example.org', () => {
      servfails += 1;
      return servfails <= 3
        ? lookup('SERVFAIL', [], 'ESERVFAIL')
        : caaLookup({ flags: 0, tag: 'issue', value: 'certwright' });
    });
    const arn = await w.start(['shop.example.org'], 'DNS');

    const pending = await eventually(async () => {
      const current = await w.stored(arn);
      return current?.domainValidations[0]?.lastCheck?.outcome === 'CAA_LOOKUP_FAILED' && current;
    }, 'a failed CAA lookup noted');
    expect(pending.status).toBe('PENDING_VALIDATION');
    expect(pending.domainValidations[0]?.lastCheck?.detail).toBe(
      'CAA lookup at shop.example.org for shop.example.org failed: SERVFAIL ESERVFAIL from 192.0.2.53:53',
    );

    await w.runner.idle();
    const issued = await w.stored(arn);
    expect(issued?.status).toBe('ISSUED');
    expect(servfails).toBe(4);
    expect(issued?.domainValidations[0]?.lastCheck).toMatchObject({
      outcome: 'CAA_PERMITTED',
      detail: 'CAA at shop.example.org (0 issue "certwright") permits certwright for shop.example.org',
    });
    expect(w.failures).toEqual([]);
  });
});
