import { isDeepStrictEqual } from 'node:util';
import { type DynamoDBClient, ScanCommand } from '@aws-sdk/client-dynamodb';
import type { CertificateRecord } from '../../functions/core/model.ts';
import type { CertificateStore, StorePageKey } from '../../functions/core/ports.ts';
import { PAGE_SIZE, runSchedule } from '../../functions/core/schedule/run-schedule.ts';
import { writeCertificates } from '../../test/support/bulk-certificates.ts';
import { countingReads } from '../../test/support/counting-store.ts';
import { FakeClock } from '../../test/support/fake-clock.ts';
import { startDynaliteStore } from '../../test/unit/core/core-fixtures.ts';
import { issuedCertificate, scheduleRig } from '../../test/unit/core/schedule/schedule-fixtures.ts';
import type { BenchSection } from '../bench-section.ts';
import { alternate, median, percentile, ratio, round } from '../measure.ts';

/** Certificates stored, and how many alternated runs of each workload at that size. */
const SIZES = [
  { stored: 10_000, runs: 5 },
  { stored: 100_000, runs: 3 },
];
/** One certificate in a hundred is due. */
const DUE_EVERY = 100;
/** Inside the 60-day renewal window of every certificate, before any expiry notice is due. */
const RUN_AT = new Date('2027-02-01T09:00:00.000Z');
const DUE_SINCE = '2027-01-31T07:15:41.000Z';
const NOT_DUE_UNTIL = '2027-02-15T07:15:41.000Z';
const TABLE = 'certwright-core-test';

interface Pass {
  items: number;
  seconds: number;
}

function storedCertificates(stored: number): { certificates: CertificateRecord[]; due: CertificateRecord[] } {
  const due: CertificateRecord[] = [];
  const certificates = Array.from({ length: stored }, (_, index) => {
    const id = `bbbbbbbb-0000-4000-8000-${index.toString(16).padStart(12, '0')}`;
    const isDue = index % DUE_EVERY === 0;
    const certificate = issuedCertificate({
      id,
      arn: `arn:aws:acm:us-east-1:111122223333:certificate/${id}`,
      domainName: `host-${index}.example.test`,
      subjectAlternativeNames: [`host-${index}.example.test`],
      scheduledWorkAt: isDue ? DUE_SINCE : NOT_DUE_UNTIL,
    });
    if (isDue) due.push(certificate);
    return certificate;
  });
  return { certificates, due };
}

/** What a scheduler without the work-queue index would do: scan the whole table for the due certificates. */
async function fullScan(client: DynamoDBClient, expectedDue: number): Promise<Pass> {
  const started = performance.now();
  let items = 0;
  let found = 0;
  let startKey: Record<string, never> | undefined;
  do {
    const page = await client.send(
      new ScanCommand({
        TableName: TABLE,
        FilterExpression: 'workQueue = :issued AND workDueAt <= :until',
        ExpressionAttributeValues: { ':issued': { S: 'ISSUED' }, ':until': { S: RUN_AT.toISOString() } },
        ExclusiveStartKey: startKey,
      }),
    );
    items += page.ScannedCount ?? 0;
    found += page.Count ?? 0;
    startKey = page.LastEvaluatedKey as typeof startKey;
  } while (startKey);
  const seconds = (performance.now() - started) / 1000;
  if (found !== expectedDue) throw new Error(`the scan found ${found} due certificates, not ${expectedDue}`);
  return { items, seconds };
}

/** How the schedule finds the due certificates: the work-queue index, page by page as a run reads it. */
async function findDue(store: CertificateStore, expectedDue: number): Promise<Pass> {
  const started = performance.now();
  let items = 0;
  let found = 0;
  let startKey: StorePageKey | undefined;
  do {
    const page = await store.listIssuedDueBy(RUN_AT, PAGE_SIZE, startKey);
    items += Math.max(1, page.references.length);
    found += page.references.length;
    startKey = page.nextKey;
  } while (startKey);
  const seconds = (performance.now() - started) / 1000;
  if (found !== expectedDue) throw new Error(`the index lists ${found} due certificates, not ${expectedDue}`);
  return { items, seconds };
}

/** One schedule run over the index, through a store that counts the items read; every due one renewed. */
async function scheduleRun(store: CertificateStore, expectedDue: number): Promise<Pass> {
  const clock = new FakeClock(RUN_AT);
  const counting = countingReads(store);
  const rig = scheduleRig(counting.store, clock);
  const started = performance.now();
  const run = await runSchedule(rig.deps, clock.now());
  const seconds = (performance.now() - started) / 1000;
  if (run.examined !== expectedDue || run.renewalsStarted !== expectedDue)
    throw new Error(
      `the run examined ${run.examined} and renewed ${run.renewalsStarted}, not ${expectedDue}`,
    );
  return { items: counting.items(), seconds };
}

async function measureSize(stored: number, runs: number) {
  const dynalite = await startDynaliteStore();
  try {
    const { certificates, due } = storedCertificates(stored);
    const filling = performance.now();
    await writeCertificates(dynalite.client, TABLE, certificates);
    const fillSeconds = (performance.now() - filling) / 1000;
    const sample = certificates[1] as CertificateRecord;
    if (!isDeepStrictEqual(await dynalite.store.get(sample.accountId, sample.id), sample))
      throw new Error('a bulk-written certificate does not read back as written');

    const paired = await alternate<Partial<Record<'scan' | 'find' | 'run', Pass>>>(
      runs,
      async () => ({ scan: await fullScan(dynalite.client, due.length) }),
      async () => {
        const find = await findDue(dynalite.store, due.length);
        const run = await scheduleRun(dynalite.store, due.length);
        // The run renewed the due ones: put them back as they were for the next runs, untimed.
        await writeCertificates(dynalite.client, TABLE, due);
        return { find, run };
      },
    );
    const passes = (key: 'scan' | 'find' | 'run') =>
      [...paired.baseline, ...paired.measured].flatMap((pass) => (pass[key] ? [pass[key]] : []));
    const summary = (passes: Pass[]) => {
      const seconds = passes.map((pass) => pass.seconds).sort((a, b) => a - b);
      return {
        items: median(passes.map((pass) => pass.items)),
        p50Seconds: round(percentile(seconds, 50), 3),
        p99Seconds: round(percentile(seconds, 99), 3),
        runsSeconds: passes.map((pass) => round(pass.seconds, 3)),
      };
    };
    const scan = summary(passes('scan'));
    const find = summary(passes('find'));
    const schedule = summary(passes('run'));
    return {
      stored,
      due: due.length,
      fillSeconds: round(fillSeconds, 1),
      fullScan: scan,
      findDue: find,
      scheduleRun: schedule,
      findItemsRatio: ratio(find.items, scan.items),
      findTimeRatio: ratio(find.p50Seconds, scan.p50Seconds),
      runItemsRatio: ratio(schedule.items, scan.items),
      runTimeRatio: ratio(schedule.p50Seconds, scan.p50Seconds),
    };
  } finally {
    await dynalite.stop();
  }
}

/**
 * The schedule over 10,000 and 100,000 stored certificates with 1% due, on dynalite: how it finds the due
 * ones (the work-queue index) and a whole run (runSchedule, as the Lambda and the local timer drive it, which
 * also renews each), against a full-table Scan of the same table for the same due certificates (what a
 * scheduler without the due-date index reads), alternated.
 */
export const renewalScanSection: BenchSection = {
  id: 'renewal-scan',
  async run() {
    const rows = [];
    for (const { stored, runs } of SIZES) rows.push(await measureSize(stored, runs));
    return {
      figures: rows,
      markdown: [
        '## Renewal scan (the schedule over its due-date index vs. a full-table Scan, dynalite)',
        '',
        'Baseline: what a scheduler without the due-date index pays to find the 1% of stored certificates ' +
          'that are due, a full-table Scan of the same table filtered to them (items read: every item ' +
          'scanned). Measured, alternated with it: finding them as the schedule does (the work-queue index, ' +
          `${PAGE_SIZE} references a page), and a whole schedule run (runSchedule: the index, then each due ` +
          'certificate read and renewed, i.e. written and its renewal workflow started), items read counted ' +
          'at the store. Seconds: medians and p99 over the runs. The certificates are bulk-written with ' +
          'BatchWrite first (fill time shown); the renewed ones are put back after each run.',
        '',
        '| stored | due | fill s | Scan items | Scan s p50 | p99 | index items | index s p50 | p99 | ratio items | ratio s | run items | run s p50 | p99 | ratio items | ratio s |',
        '|---|---|---|---|---|---|---|---|---|---|---|---|---|---|---|---|',
        ...rows.map(
          (r) =>
            `| ${r.stored} | ${r.due} | ${r.fillSeconds} | ${r.fullScan.items} | ${r.fullScan.p50Seconds} | ${r.fullScan.p99Seconds} | ` +
            `${r.findDue.items} | ${r.findDue.p50Seconds} | ${r.findDue.p99Seconds} | ${r.findItemsRatio} | ${r.findTimeRatio} | ` +
            `${r.scheduleRun.items} | ${r.scheduleRun.p50Seconds} | ${r.scheduleRun.p99Seconds} | ${r.runItemsRatio} | ${r.runTimeRatio} |`,
        ),
      ],
      headline: rows.map(
        (r) =>
          `Renewal scan, ${r.stored} stored / ${r.due} due: the index finds them reading ${r.findDue.items} items in ` +
          `${r.findDue.p50Seconds} s vs. a full Scan's ${r.fullScan.items} in ${r.fullScan.p50Seconds} s ` +
          `(ratio ${r.findItemsRatio} items, ${r.findTimeRatio} time); the whole run, renewals included, reads ` +
          `${r.scheduleRun.items} items in ${r.scheduleRun.p50Seconds} s.`,
      ),
    };
  },
};
