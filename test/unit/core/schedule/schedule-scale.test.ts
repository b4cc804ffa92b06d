/**
 * The schedule's cost grows with the certificates due, not the certificates stored: 10,000 stored, 100 of
 * them due for renewal, on dynalite. The certificates are written straight into the table with BatchWrite
 * (test/support/bulk-certificates.ts: the store's item layout, checked by reading one back through the
 * store), which is far faster than 10,000 creates.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { CertificateRecord } from '../../../../functions/core/model.ts';
import { runSchedule } from '../../../../functions/core/schedule/run-schedule.ts';
import { writeCertificates } from '../../../support/bulk-certificates.ts';
import { countingReads } from '../../../support/counting-store.ts';
import { FakeClock } from '../../../support/fake-clock.ts';
import { type DynaliteStore, startDynaliteStore } from '../core-fixtures.ts';
import { issuedCertificate, scheduleRig } from './schedule-fixtures.ts';

const STORED = 10_000;
const DUE = 100;
/** Inside the 60-day renewal window of every certificate, before any expiry notice is due. */
const RUN_AT = new Date('2027-02-01T09:00:00.000Z');
const DUE_SINCE = '2027-01-31T07:15:41.000Z';
const NOT_DUE_UNTIL = '2027-02-15T07:15:41.000Z';
const TABLE = 'certwright-core-test';

let dynalite: DynaliteStore;
const due: CertificateRecord[] = [];
let sample: CertificateRecord;

beforeAll(async () => {
  dynalite = await startDynaliteStore();
  const certificates = Array.from({ length: STORED }, (_, index) => {
    const id = `bbbbbbbb-0000-4000-8000-${index.toString(16).padStart(12, '0')}`;
    const isDue = index % (STORED / DUE) === 0;
    const certificate = issuedCertificate({
      id,
      arn: `arn:aws:acm:us-east-1:111122223333:certificate/${id}`,
      domainName: `host-${index}.example.test`,
      scheduledWorkAt: isDue ? DUE_SINCE : NOT_DUE_UNTIL,
    });
    if (isDue) due.push(certificate);
    return certificate;
  });
  sample = certificates[1] as CertificateRecord;
  await writeCertificates(dynalite.client, TABLE, certificates);
}, 120_000);

afterAll(async () => {
  await dynalite?.stop();
});

describe('the schedule at scale', () => {
  it('writes the bulk certificates as the store lays them out', async () => {
    expect(await dynalite.store.get(sample.accountId, sample.id)).toEqual(sample);
  });

  it('renews exactly the 100 due of 10,000 stored, reading a small constant number of items per due one', async () => {
    const clock = new FakeClock(RUN_AT);
    const counting = countingReads(dynalite.store, ['list', 'scanIssuedDueBy', 'listPendingValidation']);
    const rig = scheduleRig(counting.store, clock);
    const started = performance.now();

    const run = await runSchedule(rig.deps, clock.now());

    const seconds = (performance.now() - started) / 1000;
    expect(run).toMatchObject({ examined: DUE, renewalsStarted: DUE, approaching: 0, actionRequired: 0 });
    expect(new Set(rig.workflow.starts.map((start) => start.input.certificateArn))).toEqual(
      new Set(due.map((certificate) => certificate.arn)),
    );
    expect(rig.workflow.starts).toHaveLength(DUE);
    // Per due certificate: its index entry, the visit's read, the renewal's read and the visit's write's read.
    expect(counting.items()).toBeLessThanOrEqual(4 * DUE + 10);
    console.log(
      `schedule run: ${DUE} due of ${STORED}, ${counting.items()} items read, ${seconds.toFixed(2)} s`,
    );

    // The next run finds nothing due.
    expect(await runSchedule(rig.deps, clock.now())).toMatchObject({ examined: 0 });
  }, 60_000);
});
