import { X509Certificate } from 'node:crypto';
import { readFile } from 'node:fs/promises';
import { join } from 'node:path';
import {
  ACMClient,
  type CertificateDetail,
  DescribeCertificateCommand,
  GetCertificateCommand,
  type KeyAlgorithm,
  ListCertificatesCommand,
  RenewCertificateCommand,
  RequestCertificateCommand,
} from '@aws-sdk/client-acm';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import type { EventEnvelope } from '../../functions/adapters/local/event-log.ts';
import { parseCertificateArn } from '../../functions/core/arn.ts';
import type { ScheduleRun } from '../../functions/core/schedule/run-schedule.ts';
import { EVENT_LOG_FILE, type LocalStack } from '../../local/local-stack.ts';
import { requestScheduleRun } from '../../local/run-schedule-command.ts';
import { type BindServer, startBindServer } from '../support/bind-server.ts';
import { eventually } from '../support/eventually.ts';
import {
  ACCOUNT_A,
  makeDataDir,
  REGION,
  startTestStack,
  testSettings,
} from '../support/local-stack-harness.ts';
import { killStackProcesses, type StackProcess, startStackProcess } from '../support/stack-process.ts';
import { reservedSerials } from '../support/table-inspection.ts';

// The README's promise about restarts, with the real CLI in a child process: after a restart (including
// kill -9), every certificate still PENDING_VALIDATION continues validating and every managed renewal under
// way continues; nothing is issued twice and nothing is lost. The kills land while certificates wait for their
// records, while they are being issued, while a renewal waits for its record, and inside a renewal's
// issuance. Each case ends with the table opened in-process: statuses, renewal cycles, reserved serials.

type ResourceRecord = { Name: string; Value: string };
type Role = 'issued-before' | 'issuing' | 'pending';
interface Requested {
  label: string;
  role: Role;
  arn: string;
  records: Map<string, ResourceRecord>;
}

const REQUESTS: Array<{ label: string; role: Role; names: string[]; keyAlgorithm: KeyAlgorithm }> = [
  { label: 'before-a', role: 'issued-before', names: ['before-a.example.test'], keyAlgorithm: 'RSA_2048' },
  {
    label: 'before-b',
    role: 'issued-before',
    names: ['before-b.example.test'],
    keyAlgorithm: 'EC_prime256v1',
  },
  // Published together, killed as soon as the first is seen validated: the kill lands somewhere in their
  // issuance (EC leaf keys take a millisecond, so often after the serial reservation; RSA keys take longer).
  { label: 'issuing-a', role: 'issuing', names: ['issuing-a.example.test'], keyAlgorithm: 'EC_prime256v1' },
  { label: 'issuing-b', role: 'issuing', names: ['issuing-b.example.test'], keyAlgorithm: 'EC_prime256v1' },
  { label: 'issuing-c', role: 'issuing', names: ['issuing-c.example.test'], keyAlgorithm: 'RSA_2048' },
  { label: 'pending', role: 'pending', names: ['pending.example.test'], keyAlgorithm: 'RSA_2048' },
  // One name proven before the kill, the other one after the restart.
  {
    label: 'half',
    role: 'pending',
    names: ['half.example.test', 'www.half.example.test'],
    keyAlgorithm: 'EC_prime256v1',
  },
];

/**
 * Fault injection for the CLI process (a --import for NODE_OPTIONS): dynalite writes an item and its
 * secondary index entries as separate LevelDB writes (index entries first, then the item). This pauses the
 * first write for which `pausedWrite` holds (a JavaScript expression over dynalite's `existingItem` and
 * `item`, in DynamoDB's attribute-value form) right after its index entries are written and before the item
 * itself is, and says so on stderr, so a kill -9 lands exactly there. It only delays: a kill -9 at that
 * instant without it leaves the same data behind (the first test, which kills at a natural moment, lands
 * there now and then). It depends on dynalite 4's internal db module.
 */
function pauseAfterIndexUpdate(pausedWrite: string): string {
  const source = `
import { createRequire } from 'node:module';
const require = createRequire(process.cwd() + '/package.json');
const db = require('dynalite/db/index.js');
const updateIndexes = db.updateIndexes;
const pausedWrite = (existingItem, item) => ${pausedWrite};
let paused = false;
db.updateIndexes = function (store, table, existingItem, item, callback) {
  if (paused || !pausedWrite(existingItem, item)) {
    return updateIndexes.call(this, store, table, existingItem, item, callback);
  }
  paused = true;
  return updateIndexes.call(this, store, table, existingItem, item, (error) => {
    process.stderr.write('FAULT-INJECTION paused after index update of ' + existingItem.arn.S + '\\n');
    setTimeout(() => callback(error), 30000);
  });
};
`;
  const hook = `--import=data:text/javascript;base64,${Buffer.from(source).toString('base64')}`;
  return `${process.env.NODE_OPTIONS ?? ''} ${hook}`.trim();
}

/** The issuance's write: it takes the certificate out of the PENDING_VALIDATION work queue. */
const ISSUANCE_WRITE =
  "existingItem?.workQueue?.S === 'PENDING_VALIDATION' && item?.workQueue?.S !== 'PENDING_VALIDATION'";
/** A renewal's issuance write: it stores the new body and ends the renewal under way with SUCCESS. */
const RENEWAL_WRITE =
  "['PENDING_AUTO_RENEWAL', 'PENDING_VALIDATION'].includes(existingItem?.record?.M?.renewal?.M?.status?.S) && " +
  "item?.record?.M?.renewal?.M?.status?.S === 'SUCCESS'";
const PAUSED_MARKER = /FAULT-INJECTION paused after index update of (\S+)/;

let bind: BindServer;
const cleanups: Array<() => Promise<void>> = [];

beforeAll(async () => {
  bind = await startBindServer({ zone: 'example.test' });
});
afterEach(async () => {
  await killStackProcesses();
  while (cleanups.length > 0) await cleanups.pop()?.();
});
afterAll(async () => {
  await killStackProcesses();
  await bind?.stop();
});

async function newDataDir(): Promise<string> {
  const { dataDir, cleanup } = await makeDataDir();
  cleanups.push(cleanup);
  return dataDir;
}

/** Managed renewal for every issued certificate, so RenewCertificate renews one without exporting it. */
const RENEW_ALL_ISSUED = ['--renew-all-issued', 'true'];

function startCli(
  dataDir: string,
  options: { args?: string[]; env?: Record<string, string> } = {},
): Promise<StackProcess> {
  return startStackProcess(
    [
      '--data-dir',
      dataDir,
      '--port',
      '0',
      '--dns-port',
      '0',
      '--dns-resolvers',
      bind.address,
      '--poll-initial-seconds',
      '1',
      '--poll-max-seconds',
      '1',
      ...(options.args ?? []),
    ],
    { env: options.env },
  );
}

async function requestCertificate(
  client: ACMClient,
  names: string[],
  keyAlgorithm: KeyAlgorithm,
): Promise<{ arn: string; records: Map<string, ResourceRecord> }> {
  const { CertificateArn } = await client.send(
    new RequestCertificateCommand({
      DomainName: names[0],
      SubjectAlternativeNames: names,
      ValidationMethod: 'DNS',
      KeyAlgorithm: keyAlgorithm,
    }),
  );
  const arn = CertificateArn as string;
  const detail = await describeCertificate(client, arn);
  expect(detail.Status).toBe('PENDING_VALIDATION');
  const records = new Map<string, ResourceRecord>();
  for (const dv of detail.DomainValidationOptions ?? []) {
    expect(dv.ResourceRecord?.Type).toBe('CNAME');
    records.set(dv.DomainName as string, dv.ResourceRecord as ResourceRecord);
  }
  expect([...records.keys()]).toEqual(names);
  return { arn, records };
}

function clientFor(child: StackProcess): ACMClient {
  const client = new ACMClient({
    endpoint: child.url,
    region: REGION,
    credentials: { accessKeyId: ACCOUNT_A.accessKeyId, secretAccessKey: ACCOUNT_A.secretAccessKey },
    maxAttempts: 1,
  });
  cleanups.push(async () => client.destroy());
  return client;
}

async function describeCertificate(client: ACMClient, arn: string): Promise<CertificateDetail> {
  const { Certificate } = await client.send(new DescribeCertificateCommand({ CertificateArn: arn }));
  if (!Certificate) throw new Error(`DescribeCertificate returned nothing for ${arn}`);
  return Certificate;
}

function validationStatuses(detail: CertificateDetail | undefined): string {
  return (detail?.DomainValidationOptions ?? [])
    .map((dv) => `${dv.DomainName}=${dv.ValidationStatus}`)
    .join(', ');
}

/** Waits until every certificate is ISSUED; on timeout says where each one stands. */
async function waitForIssued(client: ACMClient, certificates: Requested[], child: StackProcess) {
  const latest = new Map<string, CertificateDetail>();
  const allIssued = () => certificates.every(({ arn }) => latest.get(arn)?.Status === 'ISSUED');
  try {
    await eventually(
      async () => {
        for (const { arn } of certificates) {
          if (latest.get(arn)?.Status === 'ISSUED') continue;
          const detail = await describeCertificate(client, arn);
          expect(detail.Status).not.toBe('FAILED');
          latest.set(arn, detail);
        }
        return allIssued();
      },
      'certificates to be ISSUED',
      15_000,
    );
  } catch (error) {
    const states = certificates.map(
      ({ label, arn }) =>
        `  ${label}: ${latest.get(arn)?.Status} (${validationStatuses(latest.get(arn))}) ${arn}`,
    );
    throw new Error(`${(error as Error).message}\n${states.join('\n')}\nCLI output:\n${child.output()}`);
  }
  return latest;
}

async function publish(certificate: Requested, name: string): Promise<void> {
  const record = certificate.records.get(name);
  if (!record) throw new Error(`no record for ${name} on ${certificate.label}`);
  await bind.addRecord(record.Name, 'CNAME', record.Value);
}

async function publishAll(certificate: Requested): Promise<void> {
  for (const name of certificate.records.keys()) await publish(certificate, name);
}

function serialHex(colonSeparated: string | undefined): string | undefined {
  return colonSeparated?.replaceAll(':', '').toLowerCase();
}

async function storedCertificate(stack: LocalStack, arn: string) {
  const { accountId, certificateId } = parseCertificateArn(arn);
  return stack.store.get(accountId, certificateId);
}

describe('kill -9 and restart of the real CLI', () => {
  it('resumes every pending certificate after kill -9 and issues each exactly once', async ({ annotate }) => {
    // 1. First run: request every certificate, issue two.
    const dataDir = await newDataDir();
    const first = await startCli(dataDir);
    const firstClient = clientFor(first);
    const requested: Requested[] = [];
    for (const { label, role, names, keyAlgorithm } of REQUESTS) {
      requested.push({ label, role, ...(await requestCertificate(firstClient, names, keyAlgorithm)) });
    }
    const withRole = (role: Role) => requested.filter((certificate) => certificate.role === role);
    const half = requested.find((certificate) => certificate.label === 'half') as Requested;

    for (const certificate of withRole('issued-before')) await publishAll(certificate);
    const issuedBeforeKill = await waitForIssued(firstClient, withRole('issued-before'), first);

    await publish(half, 'www.half.example.test');
    await eventually(async () => {
      const detail = await describeCertificate(firstClient, half.arn);
      const www = detail.DomainValidationOptions?.find((dv) => dv.DomainName === 'www.half.example.test');
      return www?.ValidationStatus === 'SUCCESS' && detail.Status === 'PENDING_VALIDATION';
    }, `the first name of ${half.label} to be validated`);

    // 2. kill -9 during issuance: as soon as a check has seen a record, the workflow goes on to
    // IssueCertificate (key, serial reservation, signing, the conditional write). Asked back to back. Where
    // the kill lands is up to timing (annotated below); the fault-injection tests make it certain.
    for (const certificate of withRole('issuing')) await publishAll(certificate);
    const seenAtKill = await eventually(
      async () => {
        for (const deadline = Date.now() + 1_000; Date.now() < deadline; ) {
          for (const { arn } of withRole('issuing')) {
            const detail = await describeCertificate(firstClient, arn);
            const validated = detail.DomainValidationOptions?.[0]?.ValidationStatus === 'SUCCESS';
            if (validated || detail.Status === 'ISSUED') return detail;
          }
        }
        return undefined;
      },
      'a check of an issuing certificate to see its record',
      10_000,
    );
    const killedAt = Date.now();
    const killed = await first.kill('SIGKILL');
    expect(killed.signal).toBe('SIGKILL');
    // Refused, or reset when another process on the machine has already taken the freed port.
    await expect(fetch(`${first.url}/ca.pem`)).rejects.toThrow();

    // 3. The other records appear while the service is down; a new process on the same data directory
    // (on another port) finishes the work.
    for (const certificate of withRole('pending')) await publishAll(certificate);
    const second = await startCli(dataDir);
    expect(second.url).not.toBe(first.url);
    const secondClient = clientFor(second);
    const issuedAfterRestart = await waitForIssued(secondClient, requested, second);

    for (const { label, arn } of withRole('issued-before')) {
      const before = issuedBeforeKill.get(arn);
      const after = issuedAfterRestart.get(arn);
      expect(after?.Serial, label).toBe(before?.Serial);
      expect(after?.IssuedAt, label).toEqual(before?.IssuedAt);
      expect(after?.NotBefore, label).toEqual(before?.NotBefore);
    }
    const listed = await secondClient.send(
      new ListCertificatesCommand({ Includes: { keyTypes: ['RSA_2048', 'EC_prime256v1'] }, MaxItems: 100 }),
    );
    expect(listed.CertificateSummaryList?.map((summary) => summary.CertificateArn).sort()).toEqual(
      requested.map((certificate) => certificate.arn).sort(),
    );
    const pems = new Map<string, string>();
    for (const { arn } of requested) {
      const { Certificate } = await secondClient.send(new GetCertificateCommand({ CertificateArn: arn }));
      pems.set(arn, Certificate as string);
    }

    // 4. SIGTERM: an orderly stop with exit code 0.
    const terminated = await second.terminate();
    expect(terminated, second.output()).toEqual({ code: 0, signal: null, timedOut: false });

    // 5. The table, opened in-process: one issuance per certificate and one reserved serial, the one in
    // the certificate; a certificate killed during issuance may also hold one orphaned reservation.
    const stack = await startTestStack(testSettings(dataDir, { dnsResolvers: bind.address }));
    cleanups.push(() => stack.stop());
    expect(await stack.store.listPendingValidation()).toEqual([]);
    const ca = new X509Certificate(stack.caCertificatePem);
    const serials: string[] = [];
    const outcomes: string[] = [];
    for (const certificate of requested) {
      const { label, arn, role } = certificate;
      const stored = await storedCertificate(stack, arn);
      expect(stored?.status, label).toBe('ISSUED');
      const serial = stored?.issued?.serialHex as string;
      expect(serial, label).toMatch(/^01[0-9a-f]{32}$/);
      expect(serialHex(issuedAfterRestart.get(arn)?.Serial), label).toBe(serial);
      const leaf = new X509Certificate(pems.get(arn) as string);
      expect(leaf.serialNumber.toLowerCase(), label).toBe(serial);
      expect(leaf.checkIssued(ca), label).toBe(true);
      expect(leaf.verify(ca.publicKey), label).toBe(true);
      serials.push(serial);

      const reserved = await reservedSerials(stack, arn);
      if (role === 'issuing' && reserved.length > 1) {
        expect(reserved, label).toHaveLength(2);
        expect(reserved, label).toContain(serial);
        outcomes.push(`${label}: killed after its serial reservation (one orphan)`);
      } else {
        expect(reserved, label).toEqual([serial]);
        if (role === 'issuing') {
          const issuedBeforeTheKill =
            (seenAtKill.CertificateArn === arn && seenAtKill.Status === 'ISSUED') ||
            Date.parse(stored?.issued?.issuedAt ?? '') < killedAt;
          outcomes.push(
            `${label}: ${issuedBeforeTheKill ? 'issued before the kill' : 'not yet reserved at the kill'}`,
          );
        }
      }
    }
    expect(new Set(serials).size).toBe(requested.length);
    await annotate(outcomes.join('; '));
  }, 40_000);

  it('resumes a certificate killed between the index update and the item write of its issuance', async () => {
    const dataDir = await newDataDir();
    const first = await startCli(dataDir, { env: { NODE_OPTIONS: pauseAfterIndexUpdate(ISSUANCE_WRITE) } });
    const firstClient = clientFor(first);
    const { arn, records } = await requestCertificate(firstClient, ['torn.example.test'], 'EC_prime256v1');
    const certificate: Requested = { label: 'torn', role: 'issuing', arn, records };
    await publishAll(certificate);
    const paused = await eventually(
      async () => PAUSED_MARKER.exec(first.output())?.[1],
      'the issuance write to pause',
      10_000,
    ).catch((error: Error) => {
      throw new Error(`${error.message}; CLI output:\n${first.output()}`);
    });
    expect(paused).toBe(arn);
    expect((await describeCertificate(firstClient, arn)).Status).toBe('PENDING_VALIDATION');
    await first.kill('SIGKILL');

    // The certificate is still PENDING_VALIDATION with every name validated: a restart must finish it.
    const second = await startCli(dataDir);
    const secondClient = clientFor(second);
    const issued = await waitForIssued(secondClient, [certificate], second);
    const terminated = await second.terminate();
    expect(terminated, second.output()).toEqual({ code: 0, signal: null, timedOut: false });

    const stack = await startTestStack(testSettings(dataDir, { dnsResolvers: bind.address }));
    cleanups.push(() => stack.stop());
    const stored = await storedCertificate(stack, arn);
    expect(stored?.status).toBe('ISSUED');
    expect(stored?.issued?.serialHex).toBe(serialHex(issued.get(arn)?.Serial));
    // The killed run had reserved (and signed) a serial it never stored: one orphan, never a second issue.
    const reserved = await reservedSerials(stack, arn);
    expect(reserved).toHaveLength(2);
    expect(reserved).toContain(stored?.issued?.serialHex);
  }, 40_000);
});

/** Requests a DNS-validated certificate for `<label>.example.test` per label, publishes the records, waits. */
async function issueCertificates(client: ACMClient, child: StackProcess, labels: string[]) {
  const certificates: Requested[] = [];
  for (const label of labels) {
    const requested = await requestCertificate(client, [`${label}.example.test`], 'EC_prime256v1');
    certificates.push({ label, role: 'issued-before', ...requested });
  }
  for (const certificate of certificates) await publishAll(certificate);
  const issued = await waitForIssued(client, certificates, child);
  return {
    certificates,
    serials: new Map([...issued].map(([arn, detail]) => [arn, serialHex(detail.Serial)])),
  };
}

/**
 * Runs the CLI's schedule (the RunSchedule operation, as `certwright run-schedule` does) until it finds
 * nothing due: its first visit of each new body plans the next one for the start of the renewal window,
 * months away. The schedule run at the next start then visits none of them, so only the resume at start can
 * continue a renewal they have under way. (A body not yet announced is only planned once it is.)
 */
async function planFirstVisits(dataDir: string, child: StackProcess): Promise<void> {
  const settings = testSettings(dataDir, { port: new URL(child.url).port });
  const credentials = {
    AWS_ACCESS_KEY_ID: ACCOUNT_A.accessKeyId,
    AWS_SECRET_ACCESS_KEY: ACCOUNT_A.secretAccessKey,
  };
  await eventually(async () => {
    const answer = await requestScheduleRun(settings, credentials);
    expect(answer.ok, JSON.stringify(answer.body)).toBe(true);
    return (answer.body as ScheduleRun).examined === 0;
  }, 'a schedule run with nothing due');
}

function renew(client: ACMClient, arn: string) {
  return client.send(new RenewCertificateCommand({ CertificateArn: arn }));
}

async function servedCertificate(client: ACMClient, arn: string): Promise<X509Certificate> {
  const { Certificate } = await client.send(new GetCertificateCommand({ CertificateArn: arn }));
  return new X509Certificate(Certificate as string);
}

function spki(certificate: X509Certificate): string {
  return certificate.publicKey.export({ type: 'spki', format: 'der' }).toString('hex');
}

/** Waits for the renewal to end SUCCESS; on timeout says where it stands. */
async function waitForRenewal(client: ACMClient, arn: string, child: StackProcess) {
  let latest: CertificateDetail | undefined;
  try {
    return await eventually(
      async () => {
        latest = await describeCertificate(client, arn);
        expect(latest.RenewalSummary?.RenewalStatus).not.toBe('FAILED');
        return latest.RenewalSummary?.RenewalStatus === 'SUCCESS' && latest;
      },
      'the renewal to succeed',
      15_000,
    );
  } catch (error) {
    const where = JSON.stringify(latest?.RenewalSummary);
    throw new Error(`${(error as Error).message}: ${where}\nCLI output:\n${child.output()}`);
  }
}

/** The CLI's JSON log lines with this message (a line cut off at the start of the kept output is skipped). */
function logged(child: StackProcess, message: string): Array<Record<string, unknown>> {
  return child
    .output()
    .split('\n')
    .flatMap((line) => {
      try {
        return [JSON.parse(line) as Record<string, unknown>];
      } catch {
        return [];
      }
    })
    .filter((entry) => entry?.message === message);
}

/** The Action of every `ACM Certificate Available` event logged for `arn`, in order. */
async function availableActions(dataDir: string, arn: string): Promise<unknown[]> {
  const text = await readFile(join(dataDir, EVENT_LOG_FILE), 'utf8');
  return text
    .split('\n')
    .filter((line) => line.trim() !== '')
    .map((line) => JSON.parse(line) as EventEnvelope)
    .filter((event) => event['detail-type'] === 'ACM Certificate Available' && event.resources[0] === arn)
    .map((event) => event.detail.Action);
}

/**
 * What a restart after a kill during a renewal must leave: the renewal resumed at start (the log says so, and
 * the schedule run at start found nothing due), SUCCESS under the same ARN with a new key and serial signed
 * by the CA, announced once; every certificate listed, none PENDING, none still renewing.
 */
async function expectRenewedOnce(options: {
  child: StackProcess;
  client: ACMClient;
  dataDir: string;
  renewing: Requested;
  certificates: Requested[];
  oldSerial: string | undefined;
  oldBody: X509Certificate;
}) {
  const { child, client, dataDir, renewing, certificates, oldSerial, oldBody } = options;
  const renewed = await waitForRenewal(client, renewing.arn, child);
  expect(logged(child, 'resumed renewal')).toEqual([{ message: 'resumed renewal', certificates: 1 }]);
  const firstSchedule = await eventually(async () => logged(child, 'schedule ran')[0], 'the schedule run');
  expect(firstSchedule.result).toMatchObject({ examined: 0, renewalsStarted: 0 });

  expect(renewed).toMatchObject({ CertificateArn: renewing.arn, Status: 'ISSUED' });
  expect(serialHex(renewed.Serial)).not.toBe(oldSerial);
  const newBody = await servedCertificate(client, renewing.arn);
  expect(newBody.serialNumber.toLowerCase()).toBe(serialHex(renewed.Serial));
  expect(spki(newBody)).not.toBe(spki(oldBody));
  const ca = new X509Certificate(await (await fetch(`${child.url}/ca.pem`)).text());
  expect(newBody.checkIssued(ca)).toBe(true);
  expect(newBody.verify(ca.publicKey)).toBe(true);
  expect(await availableActions(dataDir, renewing.arn)).toEqual(['ISSUANCE', 'RENEWAL']);

  const listed = await client.send(
    new ListCertificatesCommand({ Includes: { keyTypes: ['EC_prime256v1'] }, MaxItems: 100 }),
  );
  expect(listed.CertificateSummaryList?.map((summary) => summary.CertificateArn).sort()).toEqual(
    certificates.map((certificate) => certificate.arn).sort(),
  );
  const terminated = await child.terminate();
  expect(terminated, child.output()).toEqual({ code: 0, signal: null, timedOut: false });
  return serialHex(renewed.Serial) as string;
}

/** The table, opened in-process once the CLI has stopped. */
async function openTable(dataDir: string): Promise<LocalStack> {
  const stack = await startTestStack(testSettings(dataDir, { dnsResolvers: bind.address }));
  cleanups.push(() => stack.stop());
  expect(await stack.store.scanPendingValidation()).toEqual([]);
  expect(await stack.store.scanRenewalsInProgress()).toEqual([]);
  return stack;
}

describe('kill -9 and restart of the real CLI during a managed renewal', () => {
  it('resumes a renewal waiting for its record at start and renews it once: same ARN, new key and serial', async () => {
    // 1. Two certificates issued on a stack that renews every issued certificate; one is asked to renew
    // while its record is gone, so its renewal waits in PENDING_VALIDATION.
    const dataDir = await newDataDir();
    const first = await startCli(dataDir, { args: RENEW_ALL_ISSUED });
    const firstClient = clientFor(first);
    const { certificates, serials } = await issueCertificates(firstClient, first, ['renewing', 'steady']);
    const [renewing, steady] = certificates as [Requested, Requested];
    const oldBody = await servedCertificate(firstClient, renewing.arn);
    await planFirstVisits(dataDir, first);

    const record = renewing.records.get('renewing.example.test') as ResourceRecord;
    await bind.deleteRecords(record.Name, 'CNAME');
    await renew(firstClient, renewing.arn);
    const waiting = await eventually(async () => {
      const detail = await describeCertificate(firstClient, renewing.arn);
      return detail.RenewalSummary?.RenewalStatus === 'PENDING_VALIDATION' && detail;
    }, 'the renewal to wait for its record');
    expect(waiting.RenewalSummary?.RenewalStatusReason).toBe('PENDING_DOMAIN_VALIDATION');
    expect(serialHex(waiting.Serial)).toBe(serials.get(renewing.arn));

    // 2. kill -9; the record comes back while the service is down; the restart continues the renewal.
    expect((await first.kill('SIGKILL')).signal).toBe('SIGKILL');
    await publishAll(renewing);
    const second = await startCli(dataDir, { args: RENEW_ALL_ISSUED });
    const newSerial = await expectRenewedOnce({
      child: second,
      client: clientFor(second),
      dataDir,
      renewing,
      certificates,
      oldSerial: serials.get(renewing.arn),
      oldBody,
    });

    // 3. The table: one renewal cycle, ended SUCCESS with the new body; one serial reserved per body, each
    // once; the other certificate untouched.
    const stack = await openTable(dataDir);
    const stored = await storedCertificate(stack, renewing.arn);
    expect(stored).toMatchObject({ status: 'ISSUED', renewal: { status: 'SUCCESS', cycle: 1 } });
    expect(stored?.issued).toMatchObject({ serialHex: newSerial, origin: 'RENEWAL' });
    expect((await reservedSerials(stack, renewing.arn)).sort()).toEqual(
      [serials.get(renewing.arn), newSerial].sort(),
    );
    const untouched = await storedCertificate(stack, steady.arn);
    expect(untouched?.issued?.serialHex).toBe(serials.get(steady.arn));
    expect(untouched?.renewal).toBeUndefined();
    expect(await reservedSerials(stack, steady.arn)).toEqual([serials.get(steady.arn)]);
    expect(new Set([serials.get(renewing.arn), newSerial, serials.get(steady.arn)]).size).toBe(3);
  }, 40_000);

  it('resumes a renewal killed between the index update and the item write of its issuance', async () => {
    // 1. The renewal validates at once and signs its new body; its write is paused, and the kill lands there.
    const dataDir = await newDataDir();
    const first = await startCli(dataDir, {
      args: RENEW_ALL_ISSUED,
      env: { NODE_OPTIONS: pauseAfterIndexUpdate(RENEWAL_WRITE) },
    });
    const firstClient = clientFor(first);
    const { certificates, serials } = await issueCertificates(firstClient, first, ['torn-renewal']);
    const [renewing] = certificates as [Requested];
    const oldSerial = serials.get(renewing.arn);
    const oldBody = await servedCertificate(firstClient, renewing.arn);
    await planFirstVisits(dataDir, first);

    await renew(firstClient, renewing.arn);
    const paused = await eventually(
      async () => PAUSED_MARKER.exec(first.output())?.[1],
      'the renewal write to pause',
      10_000,
    ).catch((error: Error) => {
      throw new Error(`${error.message}; CLI output:\n${first.output()}`);
    });
    expect(paused).toBe(renewing.arn);
    const underWay = await describeCertificate(firstClient, renewing.arn);
    expect(underWay.RenewalSummary?.RenewalStatus).not.toBe('SUCCESS');
    expect(serialHex(underWay.Serial)).toBe(oldSerial);
    expect((await first.kill('SIGKILL')).signal).toBe('SIGKILL');

    // 2. The renewal is still under way, its names validated and its claim to sign held by the dead process.
    const second = await startCli(dataDir, { args: RENEW_ALL_ISSUED });
    const newSerial = await expectRenewedOnce({
      child: second,
      client: clientFor(second),
      dataDir,
      renewing,
      certificates,
      oldSerial,
      oldBody,
    });

    // 3. The killed run reserved (and signed) a serial it never stored: one orphan, never a second body.
    const stack = await openTable(dataDir);
    const stored = await storedCertificate(stack, renewing.arn);
    expect(stored).toMatchObject({ status: 'ISSUED', renewal: { status: 'SUCCESS', cycle: 1 } });
    expect(stored?.issued).toMatchObject({ serialHex: newSerial, origin: 'RENEWAL' });
    const reserved = await reservedSerials(stack, renewing.arn);
    expect(reserved).toHaveLength(3);
    expect(reserved).toEqual(expect.arrayContaining([oldSerial, newSerial]));
    const orphan = reserved.find((serial) => serial !== oldSerial && serial !== newSerial);
    expect(orphan).toBeDefined();
  }, 40_000);
});
