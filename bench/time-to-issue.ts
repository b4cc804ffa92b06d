import { setTimeout as sleep } from 'node:timers/promises';
import { DescribeCertificateCommand, RequestCertificateCommand } from '@aws-sdk/client-acm';
import { parseCertificateArn } from '../functions/core/arn.ts';
import type { LocalStack } from '../local/local-stack.ts';
import { LOCAL_SETTINGS } from '../local/settings.ts';
import { fetchSignedPost } from '../local/signed-post.ts';
import { type BindServer, startBindServer } from '../test/support/bind-server.ts';
import {
  ACCOUNT_A,
  acmClient,
  makeDataDir,
  REGION,
  startTestStack,
  testSettings,
} from '../test/support/local-stack-harness.ts';
import type { BenchSection } from './bench-section.ts';
import { executable, onPath } from './installed.ts';
import { type LatencySummary, ratio, summarize } from './measure.ts';

const ZONE = 'example.test';
/** The default poll schedule's samples: records appear at random within this long after the request. */
const APPEARANCE_SPREAD_MS = 30_000;
const DEFAULT_POLL_SAMPLES = 20;
const DEFAULT_POLL =
  `default poll schedule (a check at once, then ${LOCAL_SETTINGS.pollInitialSeconds.default} s, ` +
  `× ${LOCAL_SETTINGS.pollFactor.default}, at most ${LOCAL_SETTINGS.pollMaxSeconds.default} s)`;
const SEQUENTIAL_SAMPLES = 20;
const WAIT_LIMIT_MS = 120_000;

interface Requested {
  arn: string;
  record: { name: string; value: string };
}

/**
 * Time to issue, in-process local stack with a real BIND as the DNS server validation queries: from the
 * moment the validation CNAME answers on BIND to ISSUED. With the default poll schedule records appear at random times after the request; with ValidateNow the
 * owner calls it as soon as the record is in place. The baseline is the issuance path alone: a request for
 * a name whose record is already in place (records are per account and name, so they stay valid), request
 * to ISSUED, which no waiting can beat.
 */
export const timeToIssueSection: BenchSection = {
  id: 'time-to-issue',
  requires: () =>
    executable(process.env.CERTWRIGHT_NAMED ?? '/usr/sbin/named') && onPath('nsupdate')
      ? undefined
      : 'BIND 9 is not installed (sudo apt-get install bind9 bind9-dnsutils)',
  async run() {
    const bind = await startBindServer({ zone: ZONE });
    const { dataDir, cleanup } = await makeDataDir();
    const stack = await startTestStack(
      testSettings(dataDir, {
        dnsResolvers: bind.address,
        localZones: '',
        pollInitialSeconds: LOCAL_SETTINGS.pollInitialSeconds.default,
        pollFactor: LOCAL_SETTINGS.pollFactor.default,
        pollMaxSeconds: LOCAL_SETTINGS.pollMaxSeconds.default,
        maxCertificates: '1000',
      }),
    );
    try {
      const session = new Session(stack, bind);
      const baseline = summarize(await session.recordAlreadyInPlace(SEQUENTIAL_SAMPLES));
      const validateNow = summarize(await session.validateNowAfterRecord(SEQUENTIAL_SAMPLES));
      const defaultPoll = summarize(await session.recordAppearsAtRandom(DEFAULT_POLL_SAMPLES));
      const rows = [
        { case: `${DEFAULT_POLL}, record appears 0–30 s after the request`, ...defaultPoll },
        { case: 'ValidateNow called once the record is in place', ...validateNow },
      ].map((row) => ({
        ...row,
        ratioP50: ratio(row.p50Ms, baseline.p50Ms),
        ratioP99: ratio(row.p99Ms, baseline.p99Ms),
      }));
      return {
        figures: { baselineRecordInPlace: baseline, cases: rows },
        markdown: [
          '## Time to issue (record visible on the DNS server → ISSUED)',
          '',
          'Local stack in-process, validation against a real BIND 9 on loopback. Baseline: a request whose ' +
            'record is already in place, request → ISSUED (the issuance path with no waiting). Ratios are to ' +
            'the baseline at the same percentile. With 20 samples, p99 is the slowest sample.',
          '',
          '| case | samples | p50 ms | p99 ms | baseline p50 ms | baseline p99 ms | ratio p50 | ratio p99 |',
          '|---|---|---|---|---|---|---|---|',
          ...rows.map(
            (row) =>
              `| ${row.case} | ${row.count} | ${row.p50Ms} | ${row.p99Ms} | ${baseline.p50Ms} | ${baseline.p99Ms} | ${row.ratioP50} | ${row.ratioP99} |`,
          ),
        ],
        headline: [
          `Time to issue after the DNS record appears: p50 ${seconds(defaultPoll)} s with the default poll ` +
            `schedule, ${validateNow.p50Ms} ms with ValidateNow (issuance path alone: ${baseline.p50Ms} ms).`,
        ],
      };
    } finally {
      await stack.stop();
      await cleanup();
      await bind.stop();
    }
  },
};

function seconds(summary: LatencySummary): string {
  return (summary.p50Ms / 1000).toFixed(1);
}

class Session {
  private next = 0;
  private readonly client;

  constructor(
    private readonly stack: LocalStack,
    private readonly bind: BindServer,
  ) {
    this.client = acmClient(stack);
  }

  async recordAlreadyInPlace(samples: number): Promise<number[]> {
    const latencies: number[] = [];
    for (let i = 0; i < samples; i++) {
      const name = this.name('kept');
      const first = await this.request(name);
      await this.bind.addRecord(first.record.name, 'CNAME', first.record.value);
      await this.issued(first.arn);
      const start = performance.now();
      const again = await this.request(name);
      await this.issued(again.arn);
      latencies.push(performance.now() - start);
    }
    return latencies;
  }

  async validateNowAfterRecord(samples: number): Promise<number[]> {
    const latencies: number[] = [];
    for (let i = 0; i < samples; i++) {
      const certificate = await this.request(this.name('now'));
      await this.firstCheckDone(certificate.arn);
      await this.bind.addRecord(certificate.record.name, 'CNAME', certificate.record.value);
      const visible = performance.now();
      await this.validateNow(certificate.arn);
      await this.issued(certificate.arn);
      latencies.push(performance.now() - visible);
    }
    return latencies;
  }

  /** Every sample at once, each record added at its own random moment after its request. */
  async recordAppearsAtRandom(samples: number): Promise<number[]> {
    return Promise.all(
      Array.from({ length: samples }, async () => {
        const certificate = await this.request(this.name('poll'));
        await sleep(Math.random() * APPEARANCE_SPREAD_MS);
        await this.bind.addRecord(certificate.record.name, 'CNAME', certificate.record.value);
        const visible = performance.now();
        await this.issued(certificate.arn);
        return performance.now() - visible;
      }),
    );
  }

  private name(kind: string): string {
    this.next += 1;
    return `${kind}${this.next}.bench.${ZONE}`;
  }

  private async request(name: string): Promise<Requested> {
    const { CertificateArn } = await this.client.send(
      new RequestCertificateCommand({ DomainName: name, ValidationMethod: 'DNS' }),
    );
    const { Certificate } = await this.client.send(new DescribeCertificateCommand({ CertificateArn }));
    const record = Certificate?.DomainValidationOptions?.[0]?.ResourceRecord;
    if (!CertificateArn || !record?.Name || !record.Value)
      throw new Error(`no validation record for ${name}`);
    return { arn: CertificateArn, record: { name: record.Name, value: record.Value } };
  }

  private async validateNow(arn: string): Promise<void> {
    const response = await fetchSignedPost(this.stack.url, {
      credentials: ACCOUNT_A,
      region: REGION,
      service: 'acm',
      contentType: 'application/x-amz-json-1.1',
      target: 'CertificateManager.ValidateNow',
      body: JSON.stringify({ CertificateArn: arn }),
    });
    if (!response.ok) throw new Error(`ValidateNow answered ${response.status}: ${await response.text()}`);
  }

  private async stored(arn: string) {
    const { accountId, certificateId } = parseCertificateArn(arn);
    return this.stack.store.get(accountId, certificateId);
  }

  private async firstCheckDone(arn: string): Promise<void> {
    await this.until(
      async () => !!(await this.stored(arn))?.domainValidations[0]?.lastCheck,
      `${arn} checked`,
    );
  }

  private async issued(arn: string): Promise<void> {
    await this.until(async () => (await this.stored(arn))?.status === 'ISSUED', `${arn} issued`);
  }

  /** Polls the store in-process every 5 ms: fine enough for figures in milliseconds. */
  private async until(done: () => Promise<boolean>, what: string): Promise<void> {
    const deadline = performance.now() + WAIT_LIMIT_MS;
    while (!(await done())) {
      if (performance.now() > deadline) throw new Error(`timed out waiting for ${what}`);
      await sleep(5);
    }
  }
}
