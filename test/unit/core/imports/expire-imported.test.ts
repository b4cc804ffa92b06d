/**
 * The schedule's expiry of an imported certificate: EXPIRED once past NotAfter, without the
 * `ACM Certificate Expired` event, which ACM sends only for certificates it issued.
 */
import { describe, expect, it } from 'vitest';
import type { CertificateRecord } from '../../../../functions/core/model.ts';
import { runSchedule } from '../../../../functions/core/schedule/run-schedule.ts';
import { FakeClock } from '../../../support/fake-clock.ts';
import { RecordingEvents } from '../../../support/recording-events.ts';
import { pendingCertificate, useDynaliteStore } from '../core-fixtures.ts';

const dynamo = useDynaliteStore();
const NOT_AFTER = new Date('2027-04-01T07:15:41.000Z');

function importedCertificate(type: CertificateRecord['type'], id: string): CertificateRecord {
  const at = '2026-03-02T08:15:42.000Z';
  return {
    ...pendingCertificate({ id, type, domainValidations: [] }),
    status: 'ISSUED',
    importedAt: type === 'IMPORTED' ? at : undefined,
    issued: {
      certificatePem: '-----BEGIN CERTIFICATE-----\nMIIB\n-----END CERTIFICATE-----\n',
      chainPem: '',
      serialHex: '03e9',
      notBefore: '2026-03-01T00:00:00.000Z',
      notAfter: NOT_AFTER.toISOString(),
      issuedAt: at,
      sealedPrivateKey: 'sealed',
      keyUsages: ['DIGITAL_SIGNATURE'],
      extendedKeyUsages: [],
      announcedAt: at,
    },
  };
}

describe('expiring an imported certificate', () => {
  it('moves it to EXPIRED without an event, while an issued one still gets its event', async () => {
    const imported = importedCertificate('IMPORTED', 'eeeeeeee-0000-4000-8000-000000000001');
    const issued = importedCertificate('AMAZON_ISSUED', 'eeeeeeee-0000-4000-8000-000000000002');
    await dynamo.store.create(imported);
    await dynamo.store.create(issued);
    const clock = new FakeClock(new Date(NOT_AFTER.getTime() + 1000));
    const events = new RecordingEvents();

    expect(await runSchedule({ store: dynamo.store, events, clock }, clock.now())).toMatchObject({
      expired: 2,
    });

    expect((await dynamo.store.get(imported.accountId, imported.id))?.status).toBe('EXPIRED');
    expect((await dynamo.store.get(issued.accountId, issued.id))?.status).toBe('EXPIRED');
    expect(events.of(imported.arn)).toEqual([]);
    expect(events.of(issued.arn)).toEqual(['ACM Certificate Expired']);
  });
});
