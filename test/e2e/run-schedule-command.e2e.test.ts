/**
 * `certwright run-schedule` against a running local stack: the command signs a RunSchedule request to the
 * stack's API, the stack runs its schedule on its own clock (moved by hand here) and answers the counts.
 * The stack also has a webhook, a real HTTP server on 127.0.0.1, which gets the schedule's events.
 */
import { readFile } from 'node:fs/promises';
import { createServer } from 'node:http';
import type { AddressInfo } from 'node:net';
import { type ACMClient, DescribeCertificateCommand, RequestCertificateCommand } from '@aws-sdk/client-acm';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { EventEnvelope } from '../../functions/adapters/local/event-log.ts';
import type { LocalStack } from '../../local/local-stack.ts';
import { eventually } from '../support/eventually.ts';
import { FakeClock } from '../support/fake-clock.ts';
import {
  ACCOUNT_A,
  acmClient,
  makeDataDir,
  startTestStack,
  testSettings,
} from '../support/local-stack-harness.ts';
import { runCommand } from '../support/run-command.ts';

const DAY_MS = 24 * 60 * 60 * 1000;

let stack: LocalStack;
let client: ACMClient;
let dataDir: string;
let cleanupDataDir: () => Promise<void>;
const clock = new FakeClock();
const hooked: EventEnvelope[] = [];
const hook = createServer((request, response) => {
  const chunks: Buffer[] = [];
  request.on('data', (chunk: Buffer) => chunks.push(chunk));
  request.on('end', () => {
    hooked.push(JSON.parse(Buffer.concat(chunks).toString('utf8')) as EventEnvelope);
    response.writeHead(204).end();
  });
});

beforeAll(async () => {
  await new Promise<void>((resolve) => hook.listen(0, '127.0.0.1', resolve));
  ({ dataDir, cleanup: cleanupDataDir } = await makeDataDir());
  stack = await startTestStack(
    testSettings(dataDir, {
      // Only the run at start and the runs asked for: the clock moves less than this in the test.
      scheduleIntervalSeconds: String(10 * 366 * 86400),
      webhookUrls: `http://127.0.0.1:${(hook.address() as AddressInfo).port}/events`,
    }),
    { clock, fastWorkflow: true },
  );
  client = acmClient(stack);
}, 60_000);

afterAll(async () => {
  client?.destroy();
  await stack?.stop();
  await cleanupDataDir?.();
  hook.closeAllConnections();
  await new Promise((resolve) => hook.close(resolve));
});

/** The environment without AWS credentials, so the command signs with the accounts file's first key. */
function environment(overrides: Record<string, string> = {}): NodeJS.ProcessEnv {
  const env = Object.fromEntries(Object.entries(process.env).filter(([name]) => !name.startsWith('AWS_')));
  return { ...env, ...overrides };
}

function runSchedule(env = environment()) {
  return runCommand(
    'node_modules/.bin/tsx',
    [
      'bin/certwright.ts',
      'run-schedule',
      '--data-dir',
      dataDir,
      '--port',
      String(stack.port),
      '--region',
      'us-east-1',
    ],
    { env },
  );
}

async function logged(): Promise<EventEnvelope[]> {
  const text = await readFile(stack.eventLogPath, 'utf8').catch(() => '');
  return text
    .split('\n')
    .filter(Boolean)
    .map((line) => JSON.parse(line) as EventEnvelope);
}

describe('certwright run-schedule', () => {
  it('runs the schedule of the running stack now and prints the counts', async () => {
    const { CertificateArn: arn } = await client.send(
      new RequestCertificateCommand({ DomainName: 'run-now.local.test', ValidationMethod: 'DNS' }),
    );
    const issued = await eventually(async () => {
      const { Certificate } = await client.send(new DescribeCertificateCommand({ CertificateArn: arn }));
      return Certificate?.Status === 'ISSUED' ? Certificate : undefined;
    }, 'the certificate issued');

    // Its first visit, due since its announcement, plans the next ones.
    const first = await runSchedule();
    expect(first.stderr).toBe('');
    expect(first.code).toBe(0);
    expect(JSON.parse(first.stdout)).toEqual({
      examined: 1,
      expired: 0,
      announced: 0,
      approaching: 0,
      actionRequired: 0,
      renewalsStarted: 0,
    });

    // 44 days before NotAfter: inside the default 45 days of Approaching Expiration.
    clock.advance((issued.NotAfter as Date).getTime() - 44 * DAY_MS - clock.now().getTime());
    const second = await runSchedule();
    expect(JSON.parse(second.stdout)).toMatchObject({ examined: 1, approaching: 1 });
    const approaching = (await logged()).filter(
      (event) => event['detail-type'] === 'ACM Certificate Approaching Expiration',
    );
    expect(approaching.map((event) => [event.resources, event.detail.DaysToExpiry])).toEqual([[[arn], 44]]);
    const delivered = await eventually(
      async () => hooked.find((event) => event['detail-type'] === 'ACM Certificate Approaching Expiration'),
      'the webhook delivery',
    );
    expect(delivered).toMatchObject({ resources: [arn], detail: { DaysToExpiry: 44 } });

    // Again the same day: nothing due.
    expect(JSON.parse((await runSchedule()).stdout)).toMatchObject({ examined: 0, approaching: 0 });
  }, 60_000);

  it('is refused without a valid signature', async () => {
    const refused = await runSchedule(
      environment({ AWS_ACCESS_KEY_ID: ACCOUNT_A.accessKeyId, AWS_SECRET_ACCESS_KEY: 'not-the-secret' }),
    );
    expect(refused.code).toBe(1);
    expect(JSON.parse(refused.stdout)).toMatchObject({ __type: expect.stringMatching(/Signature/) });
  });
});
