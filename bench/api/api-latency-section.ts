import { randomUUID } from 'node:crypto';
import { isDeepStrictEqual } from 'node:util';
import {
  type ACMClient,
  DescribeCertificateCommand,
  ListCertificatesCommand,
  RequestCertificateCommand,
} from '@aws-sdk/client-acm';
import type { CertificateRecord } from '../../functions/core/model.ts';
import { TABLE_NAME } from '../../local/embedded-table.ts';
import type { LocalStack } from '../../local/local-stack.ts';
import { writeCertificates } from '../../test/support/bulk-certificates.ts';
import {
  ACCOUNT_A,
  ACCOUNT_B,
  acmClient,
  makeDataDir,
  REGION,
  startTestStack,
  testSettings,
} from '../../test/support/local-stack-harness.ts';
import { pendingCertificate } from '../../test/unit/core/core-fixtures.ts';
import { issuedCertificate } from '../../test/unit/core/schedule/schedule-fixtures.ts';
import type { BenchSection } from '../bench-section.ts';
import { alternate, type LoadResult, load, pooled, ratio } from '../measure.ts';
import { startCannedAcmServer } from './canned-acm-server.ts';

const STORED = 10_000;
const PAGE = 100;
const CONCURRENCIES = [1, 32];
const RUNS = 3;
const RUN_MS = 2_000;
const WARM_UP_MS = 500;

function storedCertificates(): CertificateRecord[] {
  return Array.from({ length: STORED }, (_, index) => {
    const id = `cccccccc-0000-4000-8000-${index.toString(16).padStart(12, '0')}`;
    const name = `host-${index}.bench.example.test`;
    const base = issuedCertificate();
    return issuedCertificate({
      id,
      accountId: ACCOUNT_A.accountId,
      region: REGION,
      arn: `arn:aws:acm:${REGION}:${ACCOUNT_A.accountId}:certificate/${id}`,
      domainName: name,
      subjectAlternativeNames: [name],
      subject: `CN=${name}`,
      domainValidations: base.domainValidations.map((dv) => ({
        ...dv,
        domainName: name,
        validationDomain: name,
      })),
    });
  });
}

/** Fills the table, and checks a certificate reads back through the store and is listed by the API. */
async function fill(stack: LocalStack, client: ACMClient): Promise<CertificateRecord> {
  const certificates = storedCertificates();
  await writeCertificates(stack.dynamodb, TABLE_NAME, certificates);
  const sample = certificates[0] as CertificateRecord;
  if (!isDeepStrictEqual(await stack.store.get(sample.accountId, sample.id), sample))
    throw new Error('a bulk-written certificate does not read back as written');
  const listed = await client.send(new ListCertificatesCommand({ MaxItems: PAGE }));
  if (listed.CertificateSummaryList?.[0]?.CertificateArn !== sample.arn || !listed.NextToken)
    throw new Error('the bulk-written certificates are not listed');
  return sample;
}

interface Operation {
  name: string;
  /** The call through the SDK; `target` is the stack's client or the canned server's. */
  call: (target: ACMClient, index: number) => Promise<unknown>;
  /** The store's own work under the operation: the read it answers from, or the write it cannot do without. */
  storeRead?: () => Promise<unknown>;
}

interface Row {
  operation: string;
  concurrency: number;
  measured: ReturnType<typeof pooled>;
  sdkFloor: ReturnType<typeof pooled>;
  storeFloor?: ReturnType<typeof pooled>;
  ratioToSdkFloor: number;
  ratioToStoreFloor?: number;
}

async function measureOperation(
  operation: Operation,
  concurrency: number,
  stackClient: ACMClient,
  cannedClient: ACMClient,
): Promise<Row> {
  let calls = 0;
  const onStack = () => operation.call(stackClient, calls++);
  const onCanned = () => operation.call(cannedClient, calls++);
  await load(onStack, concurrency, WARM_UP_MS);
  await load(onCanned, concurrency, WARM_UP_MS);
  const { storeRead } = operation;
  const paired = await alternate<Partial<Record<'stack' | 'sdk' | 'store', LoadResult>>>(
    RUNS,
    async () => ({
      sdk: await load(onCanned, concurrency, RUN_MS),
      ...(storeRead ? { store: await load(storeRead, concurrency, RUN_MS) } : {}),
    }),
    async () => ({ stack: await load(onStack, concurrency, RUN_MS) }),
  );
  const runsOf = (passes: typeof paired.measured, key: 'stack' | 'sdk' | 'store') =>
    passes.flatMap((pass) => (pass[key] ? [pass[key]] : []));
  const measured = pooled(runsOf(paired.measured, 'stack'));
  const sdkFloor = pooled(runsOf(paired.baseline, 'sdk'));
  const storeRuns = runsOf(paired.baseline, 'store');
  const storeFloor = storeRuns.length > 0 ? pooled(storeRuns) : undefined;
  return {
    operation: operation.name,
    concurrency,
    measured,
    sdkFloor,
    ratioToSdkFloor: ratio(measured.perSecond, sdkFloor.perSecond),
    ...(storeFloor ? { storeFloor, ratioToStoreFloor: ratio(measured.perSecond, storeFloor.perSecond) } : {}),
  };
}

/** The canned answers: what the stack itself answered, so the floor parses a body of the same size. */
async function cannedAnswers(client: ACMClient, arn: string) {
  const strip = <T extends { $metadata?: unknown }>({ $metadata: _, ...body }: T) => body;
  const describe = strip(await client.send(new DescribeCertificateCommand({ CertificateArn: arn })));
  const list = strip(await client.send(new ListCertificatesCommand({ MaxItems: PAGE })));
  return {
    DescribeCertificate: wire(describe),
    ListCertificates: wire(list),
    RequestCertificate: { CertificateArn: arn },
  };
}

/** The SDK parses timestamps from epoch seconds on the wire; it hands them out as Dates. */
function wire(value: unknown): unknown {
  if (value instanceof Date) return value.getTime() / 1000;
  if (Array.isArray(value)) return value.map(wire);
  if (value && typeof value === 'object')
    return Object.fromEntries(Object.entries(value).map(([key, member]) => [key, wire(member)]));
  return value;
}

function row(r: Row): string {
  const floor = (summary: ReturnType<typeof pooled> | undefined, ratioTo: number | undefined) =>
    summary ? `${summary.perSecond} | ${summary.p50Ms} | ${summary.p99Ms} | ${ratioTo}` : '– | – | – | –';
  return (
    `| ${r.operation} | ${r.concurrency} | ${r.measured.perSecond} | ${r.measured.p50Ms} | ${r.measured.p99Ms} | ` +
    `${floor(r.sdkFloor, r.ratioToSdkFloor)} | ${floor(r.storeFloor, r.ratioToStoreFloor)} |`
  );
}

/**
 * DescribeCertificate, ListCertificates (first page of 100 out of 10,000 certificates in the calling
 * account) and RequestCertificate through @aws-sdk/client-acm (SigV4) against the local stack in this
 * process, at concurrency 1 and 32, each alternated with its floors: the same client against a bare HTTP
 * server answering the same body at once (signing, HTTP and parsing, no work behind it), and the store's
 * own work under the operation straight to the table (Describe: one consistent GetItem; List: the store's
 * list query with ListCertificates' default filter; Request: the one conditional put of a new certificate).
 *
 * Validation is kept quiet: no local zones and a resolver on a closed loopback port, so each workflow a
 * RequestCertificate starts writes no record, makes its first DNS check (refused at once), records it and
 * waits an hour for the next one; it does not come back during the run.
 */
export const apiLatencySection: BenchSection = {
  id: 'api',
  async run() {
    const { dataDir, cleanup } = await makeDataDir();
    const stack = await startTestStack(
      testSettings(dataDir, {
        localZones: '',
        dnsResolvers: '127.0.0.1:9',
        dnsTimeoutMs: '200',
        pollInitialSeconds: '3600',
        pollMaxSeconds: '3600',
        maxCertificates: '1000000',
        maxRequestsPerYear: '1000000',
      }),
    );
    const stackClient = acmClient(stack);
    let canned: Awaited<ReturnType<typeof startCannedAcmServer>> | undefined;
    let cannedClient: ACMClient | undefined;
    try {
      const fillStarted = performance.now();
      const sample = await fill(stack, stackClient);
      const fillSeconds = Math.round((performance.now() - fillStarted) / 100) / 10;
      canned = await startCannedAcmServer(await cannedAnswers(stackClient, sample.arn));
      cannedClient = acmClient({ ...stack, url: canned.url });

      const describe = new DescribeCertificateCommand({ CertificateArn: sample.arn });
      const list = new ListCertificatesCommand({ MaxItems: PAGE });
      const operations: Operation[] = [
        {
          name: 'DescribeCertificate',
          call: (target) => target.send(describe),
          storeRead: () => stack.store.get(sample.accountId, sample.id),
        },
        {
          name: `ListCertificates (${PAGE} of ${STORED})`,
          call: (target) => target.send(list),
          storeRead: () => stack.store.list(sample.accountId, { keyAlgorithms: ['RSA_2048'], limit: PAGE }),
        },
        {
          // Last: the workflows it starts are not under way while the others are measured.
          name: 'RequestCertificate',
          storeRead: () =>
            stack.store.create(
              pendingCertificate({ id: randomUUID(), accountId: ACCOUNT_B.accountId, region: REGION }),
            ),
          call: (target, index) =>
            target.send(
              new RequestCertificateCommand({
                DomainName: `r${index}.bench.example.test`,
                ValidationMethod: 'DNS',
              }),
            ),
        },
      ];
      const rows: Row[] = [];
      for (const operation of operations)
        for (const concurrency of CONCURRENCIES)
          rows.push(await measureOperation(operation, concurrency, stackClient, cannedClient));

      return {
        figures: { stored: STORED, fillSeconds, runs: RUNS, runMs: RUN_MS, rows },
        markdown: [
          '## API latency (local stack, @aws-sdk/client-acm with SigV4, same process)',
          '',
          `Each operation at concurrency 1 and 32, ${RUNS} runs of ${RUN_MS / 1000} s alternated with its floors ` +
            '(requests/second: median of the runs; p50/p99 over every call). SDK floor: the same client ' +
            'against a bare node:http server on 127.0.0.1 answering the same body at once: ' +
            "what the client itself costs (signing, HTTP, parsing). Store floor: the store's own work under the " +
            "operation, straight to the embedded table (Describe: one consistent GetItem; List: the store's list " +
            'query; Request: the one conditional put of the new certificate, without the quota, idempotency and ' +
            "workflow around it). Ratio: the stack's requests/second over the floor's. " +
            `${STORED} certificates in the calling account, bulk-written ` +
            `in ${fillSeconds} s; List reads the first page of ${PAGE}. Request starts a workflow that makes ` +
            'one refused DNS check and then waits.',
          '',
          '| operation | concurrency | req/s | p50 ms | p99 ms | SDK floor req/s | p50 ms | p99 ms | ratio | store floor req/s | p50 ms | p99 ms | ratio |',
          '|---|---|---|---|---|---|---|---|---|---|---|---|---|',
          ...rows.map(row),
        ],
        headline: rows
          .filter((r) => r.concurrency === 32)
          .map(
            (r) =>
              `${r.operation} at concurrency 32: ${r.measured.perSecond} req/s, p99 ${r.measured.p99Ms} ms ` +
              `(${r.ratioToSdkFloor} of the bare-SDK floor${r.storeFloor ? `, ${r.ratioToStoreFloor} of the store floor` : ''}).`,
          ),
      };
    } finally {
      cannedClient?.destroy();
      stackClient.destroy();
      await canned?.stop();
      await stack.stop();
      await cleanup();
    }
  },
};
