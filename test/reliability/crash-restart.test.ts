import { X509Certificate } from 'node:crypto';
import {
  ACMClient,
  type CertificateDetail,
  DescribeCertificateCommand,
  GetCertificateCommand,
  type KeyAlgorithm,
  ListCertificatesCommand,
  RequestCertificateCommand,
} from '@aws-sdk/client-acm';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { parseCertificateArn } from '../../functions/core/arn.ts';
import type { LocalStack } from '../../local/local-stack.ts';
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

// The README's promise about restarts, with the real CLI in a child process: "After a restart (including
// kill -9), every certificate still PENDING_VALIDATION continues validating; nothing is issued twice."
// One kill -9 lands while some certificates wait for their records and others are being issued.

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
 * Fault injection for the CLI process (loaded with --import): dynalite writes an item and its secondary
 * index entries as separate LevelDB writes (index entries first, then the item). This pauses the first
 * write that takes a certificate out of the work-queue index right after its index entry is gone and
 * before the item itself is written, and says so on stderr, so a kill -9 lands exactly there. It only
 * delays: a kill -9 at that instant without it leaves the same data behind (the first test, which kills
 * at a natural moment, lands there now and then). It depends on dynalite 4's internal db module.
 */
const PAUSE_AFTER_INDEX_UPDATE_HOOK = `
import { createRequire } from 'node:module';
const require = createRequire(process.cwd() + '/package.json');
const db = require('dynalite/db/index.js');
const updateIndexes = db.updateIndexes;
let paused = false;
db.updateIndexes = function (store, table, existingItem, item, callback) {
  if (
    paused ||
    existingItem?.workQueue?.S !== 'PENDING_VALIDATION' ||
    item?.workQueue?.S === 'PENDING_VALIDATION'
  ) {
    return updateIndexes.call(this, store, table, existingItem, item, callback);
  }
  paused = true;
  return updateIndexes.call(this, store, table, existingItem, item, (error) => {
    process.stderr.write('FAULT-INJECTION paused after index update of ' + existingItem.arn.S + '\\n');
    setTimeout(() => callback(error), 30000);
  });
};
`;
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

function startCli(dataDir: string, env?: Record<string, string>): Promise<StackProcess> {
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
    ],
    { env },
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
    // IssueCertificate (key, serial reservation, signing, the conditional write). Asked back to back.
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
    await expect(fetch(`${first.url}/ca.pem`)).rejects.toMatchObject({ cause: { code: 'ECONNREFUSED' } });

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
    const hook = `data:text/javascript;base64,${Buffer.from(PAUSE_AFTER_INDEX_UPDATE_HOOK).toString('base64')}`;
    const first = await startCli(dataDir, {
      NODE_OPTIONS: `${process.env.NODE_OPTIONS ?? ''} --import=${hook}`.trim(),
    });
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
