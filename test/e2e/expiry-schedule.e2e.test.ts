import { readFile } from 'node:fs/promises';
import { type ACMClient, DescribeCertificateCommand, RequestCertificateCommand } from '@aws-sdk/client-acm';
import { describe, expect, it } from 'vitest';
import type { EventEnvelope } from '../../functions/adapters/local/event-log.ts';
import { parseCertificateArn } from '../../functions/core/arn.ts';
import { type LocalStack, startLocalStack } from '../../local/local-stack.ts';
import { useCleanups } from '../support/cleanups.ts';
import { eventually } from '../support/eventually.ts';
import { FakeClock } from '../support/fake-clock.ts';
import { acmClient, makeDataDir, testSettings } from '../support/local-stack-harness.ts';

// The local stack end to end: a certificate issued in the local zone announces itself in events.jsonl,
// and the stack's schedule timer, driven by the stack's clock, expires it once the clock passes NotAfter.

const INTERVAL_SECONDS = 60;
const cleanups = useCleanups();

interface Started {
  stack: LocalStack;
  client: ACMClient;
  clock: FakeClock;
  /** Resolves after the next schedule run that starts from now on has finished. */
  nextScheduleRun(): Promise<Record<string, unknown>>;
}

async function startStack(): Promise<Started> {
  const { dataDir, cleanup } = await makeDataDir();
  cleanups.push(cleanup);
  const clock = new FakeClock();
  const runs: Array<Record<string, unknown>> = [];
  const stack = await startLocalStack(
    testSettings(dataDir, { validityDays: '1', scheduleIntervalSeconds: String(INTERVAL_SECONDS) }),
    {
      clock,
      log: (entry) => {
        if (String(entry.message).startsWith('schedule')) runs.push(entry);
      },
      workflow: { waitTimeOverrides: { WaitForValidation: 10 }, retryIntervalMs: 1 },
    },
  );
  cleanups.push(() => stack.stop());
  // The run made at start.
  await eventually(async () => runs.length > 0, 'the schedule run at start');
  return {
    stack,
    client: acmClient(stack),
    clock,
    nextScheduleRun: async () => {
      const before = runs.length;
      return eventually(async () => runs[before], 'a schedule run');
    },
  };
}

async function events(stack: LocalStack): Promise<EventEnvelope[]> {
  const text = await readFile(stack.eventLogPath, 'utf8').catch(() => '');
  return text
    .split('\n')
    .filter(Boolean)
    .map((line) => JSON.parse(line) as EventEnvelope);
}

async function status(client: ACMClient, arn: string): Promise<string | undefined> {
  const { Certificate } = await client.send(new DescribeCertificateCommand({ CertificateArn: arn }));
  return Certificate?.Status;
}

describe('the local stack schedule', () => {
  it('expires an issued certificate once the clock passes NotAfter, announcing it once', async () => {
    const { stack, client, clock, nextScheduleRun } = await startStack();
    const { CertificateArn: arn } = await client.send(
      new RequestCertificateCommand({ DomainName: 'expiring.local.test', ValidationMethod: 'DNS' }),
    );
    if (!arn) throw new Error('no ARN');
    await eventually(async () => (await status(client, arn)) === 'ISSUED', 'the certificate issued');
    await stack.runner.idle();
    expect((await events(stack)).map((event) => [event['detail-type'], event.resources])).toEqual([
      ['ACM Certificate Available', [arn]],
    ]);
    const { accountId, certificateId } = parseCertificateArn(arn);
    const notAfter = Date.parse((await stack.store.get(accountId, certificateId))?.issued?.notAfter ?? '');

    // A second before NotAfter: the schedule runs and leaves it alone.
    clock.advance(notAfter - 1000 - clock.now().getTime());
    const beforeExpiry = nextScheduleRun();
    expect(await beforeExpiry).toMatchObject({ message: 'schedule ran', result: { expired: 0 } });
    expect(await status(client, arn)).toBe('ISSUED');

    // Past NotAfter, the next run (an interval later) expires it.
    clock.advance(INTERVAL_SECONDS * 1000);
    expect(await nextScheduleRun()).toMatchObject({ result: { examined: 1, expired: 1 } });
    expect(await status(client, arn)).toBe('EXPIRED');

    // Later runs find nothing more to do.
    clock.advance(INTERVAL_SECONDS * 1000);
    expect(await nextScheduleRun()).toMatchObject({ result: { examined: 0, expired: 0 } });

    // A 1-day certificate is within DaysBeforeExpiry (45) from the start: the run a second before NotAfter
    // sent its one Approaching Expiration (a UTC day has one at most).
    const published = await events(stack);
    expect(published.map((event) => event['detail-type'])).toEqual([
      'ACM Certificate Available',
      'ACM Certificate Approaching Expiration',
      'ACM Certificate Expired',
    ]);
    expect(published[1]).toMatchObject({ detail: { DaysToExpiry: 1, CommonName: 'expiring.local.test' } });
    expect(published[2]).toMatchObject({
      source: 'certwright.acm',
      account: accountId,
      resources: [arn],
      detail: { CommonName: 'expiring.local.test', CertificateExpirationDate: expect.any(String) },
    });
  });
});
