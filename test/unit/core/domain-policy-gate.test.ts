/**
 * The domain policy in the workflow's first step, on the real store (dynalite): public suffixes and denied
 * names turn an accepted request into FAILED before any record is written or mail sent.
 */
import { describe, expect, it } from 'vitest';
import type { CertificateRecord } from '../../../functions/core/model.ts';
import type { DomainPolicy } from '../../../functions/core/settings.ts';
import { accountSeries, useDynaliteStore } from './core-fixtures.ts';
import { RecordingZones, validationSteps } from './email-fixtures.ts';

const START = new Date('2026-03-01T12:00:00.000Z');

const dynamo = useDynaliteStore();

const nextAccount = accountSeries(300_000_000_000, '2222');

function setup(options: { domainPolicy?: DomainPolicy; zones?: string[] } = {}) {
  const zones = new RecordingZones(options.zones ?? ['certwright.internal']);
  return {
    ...validationSteps(dynamo.store, nextAccount(), START, {
      validationMethod: 'DNS',
      zoneWriter: zones,
      domainPolicy: options.domainPolicy,
    }),
    zones,
  };
}

const statuses = (certificate: CertificateRecord) =>
  Object.fromEntries(certificate.domainValidations.map((dv) => [dv.domainName, dv.status]));

describe('the domain policy in the workflow', () => {
  it.each([
    ['a public suffix', 'co.uk'],
    ['a wildcard directly under one', '*.co.uk'],
    ['a name matched by a wildcard rule', 'anything.ck'],
  ])('fails %s with INVALID_PUBLIC_DOMAIN, marking that name only', async (_, name) => {
    const t = setup();
    const arn = await t.request('app.certwright.internal', { subjectAlternativeNames: [name] });
    expect((await t.stored(arn)).status).toBe('PENDING_VALIDATION');

    expect(await t.publish(arn)).toEqual({ published: [], mailed: [] });
    const certificate = await t.stored(arn);
    expect(certificate).toMatchObject({ status: 'FAILED', failureReason: 'INVALID_PUBLIC_DOMAIN' });
    expect(statuses(certificate)).toEqual({
      'app.certwright.internal': 'PENDING_VALIDATION',
      [name]: 'FAILED',
    });
    // Not even the local zone's record is written.
    expect(t.zones.written).toEqual([]);
    expect(await t.check(arn)).toMatchObject({ outcome: 'STOPPED' });
  });

  it('publishes for names in local zones, registrable domains and private-section suffixes', async () => {
    const t = setup();
    const arn = await t.request('app.certwright.internal', {
      subjectAlternativeNames: ['*.certwright.internal', 'example.co.uk', '*.example.co.uk', 'github.io'],
    });
    const { published } = await t.publish(arn);
    // The wildcard's record is its base name's, at the zone's apex.
    expect(published).toEqual([
      expect.stringMatching(/^_[0-9a-f]{32}\.app\.certwright\.internal$/),
      expect.stringMatching(/^_[0-9a-f]{32}\.certwright\.internal$/),
    ]);
    expect((await t.stored(arn)).status).toBe('PENDING_VALIDATION');
  });

  it("takes the deployment's own zone as no public suffix, even where the list names it", async () => {
    const t = setup({ zones: ['home.arpa'] });
    const arn = await t.request('home.arpa', { subjectAlternativeNames: ['*.home.arpa'] });
    await t.publish(arn);
    expect((await t.stored(arn)).status).toBe('PENDING_VALIDATION');
    expect(t.zones.written).toHaveLength(1);
  });

  it('fails a denied name with DOMAIN_NOT_ALLOWED, a wildcard that would serve one included', async () => {
    const t = setup({ domainPolicy: { denied: ['.secret.example.com', 'old.example.org'], allowed: [] } });
    const arn = await t.request('app.certwright.internal', {
      subjectAlternativeNames: ['*.example.com', 'www.example.org', 'OLD.example.org'],
    });
    await t.publish(arn);
    const certificate = await t.stored(arn);
    expect(certificate).toMatchObject({ status: 'FAILED', failureReason: 'DOMAIN_NOT_ALLOWED' });
    expect(statuses(certificate)).toEqual({
      'app.certwright.internal': 'PENDING_VALIDATION',
      '*.example.com': 'FAILED',
      'www.example.org': 'PENDING_VALIDATION',
      'old.example.org': 'FAILED',
    });
    expect(t.zones.written).toEqual([]);
  });

  it('sends no approval mail for an EMAIL certificate with a denied name', async () => {
    const t = setup({ domainPolicy: { denied: ['.example.net'], allowed: [] } });
    const arn = await t.request('www.example.com', {
      subjectAlternativeNames: ['mail.example.net'],
      validationMethod: 'EMAIL',
    });
    expect(await t.publish(arn)).toEqual({ published: [], mailed: [] });
    expect(t.mailer.sent).toEqual([]);
    expect((await t.stored(arn)).domainValidations.every((dv) => dv.approval === undefined)).toBe(true);
    expect((await t.stored(arn)).failureReason).toBe('DOMAIN_NOT_ALLOWED');
  });

  it('names INVALID_PUBLIC_DOMAIN when a certificate breaks both rules', async () => {
    const t = setup({ domainPolicy: { denied: ['www.example.com'], allowed: [] } });
    const arn = await t.request('www.example.com', { subjectAlternativeNames: ['co.uk'] });
    await t.publish(arn);
    const certificate = await t.stored(arn);
    expect(certificate.failureReason).toBe('INVALID_PUBLIC_DOMAIN');
    expect(statuses(certificate)).toEqual({ 'www.example.com': 'PENDING_VALIDATION', 'co.uk': 'FAILED' });
  });

  it('denies nothing when the step is given no domain policy', async () => {
    const t = setup();
    const arn = await t.request('secret.example.com');
    await t.publish(arn);
    expect((await t.stored(arn)).status).toBe('PENDING_VALIDATION');
  });

  it('leaves a certificate that is no longer pending as it is, and a rerun of the step changes nothing', async () => {
    const t = setup();
    const arn = await t.request('co.uk');
    await t.publish(arn);
    const failed = await t.stored(arn);
    await t.publish(arn);
    expect(await t.stored(arn)).toEqual(failed);
  });
});
