import {
  type ACMClient,
  DescribeCertificateCommand,
  RequestCertificateCommand,
  ResendValidationEmailCommand,
} from '@aws-sdk/client-acm';
import { describe, expect, it } from 'vitest';
import type { LocalStack } from '../../local/local-stack.ts';
import { awsCliJson } from '../support/aws-cli.ts';
import { startBindServer } from '../support/bind-server.ts';
import { useCleanups } from '../support/cleanups.ts';
import { eventually } from '../support/eventually.ts';
import { FakeClock, HOUR_MS } from '../support/fake-clock.ts';
import {
  ACCOUNT_A,
  acmClient,
  cliTarget,
  makeDataDir,
  startTestStack,
  testSettings,
} from '../support/local-stack-harness.ts';
import { readMail } from '../support/mime-message.ts';
import { type ReceivedMail, type SmtpSink, startSmtpSink } from '../support/smtp-sink.ts';

// EMAIL validation on the local stack end to end: the stock AWS CLI and the SDK request certificates, the
// approval mail reaches a real SMTP server, and the link in it is opened over HTTP as a browser would: GET
// shows the request and changes nothing, POST approves, a resend retires the old link, and a link past the
// 72-hour deadline approves nothing.

const APPROVER_BOXES = ['admin', 'administrator', 'hostmaster', 'postmaster', 'webmaster'];
const cleanups = useCleanups();

interface Started {
  stack: LocalStack;
  client: ACMClient;
  clock: FakeClock;
  sink: SmtpSink;
}

async function startStack(): Promise<Started> {
  const sink = await startSmtpSink();
  cleanups.push(() => sink.close());
  // The CAA check before issuance climbs to the TLD: a DNS server on loopback answers it, not the machine's.
  const dns = await startBindServer({ zone: 'example.test' });
  cleanups.push(() => dns.stop());
  const { dataDir, cleanup } = await makeDataDir();
  cleanups.push(cleanup);
  const clock = new FakeClock();
  const stack = await startTestStack(
    testSettings(dataDir, { smtpUrl: sink.url, dnsResolvers: dns.address }),
    {
      clock,
      fastWorkflow: true,
    },
  );
  cleanups.push(() => stack.stop());
  return { stack, client: acmClient(stack), clock, sink };
}

interface Detail {
  Status?: string;
  DomainValidationOptions?: Array<{
    DomainName?: string;
    ValidationStatus?: string;
    ValidationEmails?: string[];
  }>;
}

async function describe_(client: ACMClient, arn: string): Promise<Detail> {
  const { Certificate } = await client.send(new DescribeCertificateCommand({ CertificateArn: arn }));
  return Certificate ?? {};
}

/** The approval token every one of `mails` links to (they must agree), checking the text and the HTML. */
function tokenOf(stack: LocalStack, mails: ReceivedMail[]): string {
  const link = new RegExp(`${stack.url.replace(/[.]/g, '\\.')}/approvals/([A-Za-z0-9_-]{43})`);
  const tokens = mails.flatMap((mail) => {
    const { text, html } = readMail(mail.raw);
    return [link.exec(text)?.[1], link.exec(html)?.[1]];
  });
  const token = tokens[0];
  if (token === undefined) throw new Error(`no approval link in:\n${mails[0]?.raw}`);
  expect(new Set(tokens)).toEqual(new Set([token]));
  return token;
}

async function open(stack: LocalStack, token: string, method: 'GET' | 'POST' = 'GET') {
  const url = `${stack.url}/approvals/${token}`;
  // What a browser sends with the page's own form under Referrer-Policy: no-referrer.
  const headers: Record<string, string> =
    method === 'POST' ? { origin: 'null', 'sec-fetch-site': 'same-origin' } : {};
  const response = await fetch(url, { method, headers, redirect: 'manual' });
  return { status: response.status, headers: response.headers, body: await response.text() };
}

/** Waits for the link to work: the mails go out before the workflow records the link as the current one. */
async function whenLinkWorks(stack: LocalStack, token: string) {
  return eventually(async () => {
    const page = await open(stack, token);
    return page.status === 200 && page;
  }, 'the approval link to work');
}

describe('EMAIL validation on the local stack', () => {
  it('mails the five approvers a link; GET changes nothing, POST approves and the certificate is issued', async () => {
    const { stack, client, sink } = await startStack();
    const cli = cliTarget(stack);

    const { CertificateArn: arn } = await awsCliJson<{ CertificateArn: string }>(
      [
        'acm',
        'request-certificate',
        '--domain-name',
        'app.example.test',
        '--validation-method',
        'EMAIL',
        '--domain-validation-options',
        'DomainName=app.example.test,ValidationDomain=example.test',
      ],
      cli,
    );

    const mails = await sink.waitForMessages(APPROVER_BOXES.length);
    const addresses = APPROVER_BOXES.map((box) => `${box}@example.test`);
    expect(mails.map((mail) => mail.rcptTo).sort()).toEqual(addresses.map((address) => [address]));
    for (const mail of mails) {
      expect(mail.mailFrom).toBe('no-reply@certwright.internal');
      const { subject, to, text } = readMail(mail.raw);
      expect(subject).toBe('Certificate approval for app.example.test');
      expect(to).toBe(mail.rcptTo[0]);
      expect(text).toContain(arn);
    }
    expect((await describe_(client, arn)).DomainValidationOptions?.[0]?.ValidationEmails?.sort()).toEqual(
      addresses,
    );
    const token = tokenOf(stack, mails);

    const page = await whenLinkWorks(stack, token);
    expect(page.headers.get('content-type')).toBe('text/html; charset=utf-8');
    expect(page.headers.get('cache-control')).toBe('no-store');
    expect(page.headers.get('referrer-policy')).toBe('no-referrer');
    expect(page.body).toContain('<td>app.example.test</td>');
    expect(page.body).toContain('<td>example.test</td>');
    expect(page.body).toContain(`<td>${arn}</td>`);
    expect(page.body).toContain(`<td>${ACCOUNT_A.accountId}</td>`);
    expect(page.body).toContain(`<form method="post" action="${token}">`);
    // Opened again, as a mail scanner would: still nothing approved.
    expect((await open(stack, token)).status).toBe(200);
    expect(await describe_(client, arn)).toMatchObject({
      Status: 'PENDING_VALIDATION',
      DomainValidationOptions: [{ DomainName: 'app.example.test', ValidationStatus: 'PENDING_VALIDATION' }],
    });

    const approved = await open(stack, token, 'POST');
    expect(approved.status).toBe(200);
    expect(approved.body).toContain('<h1>Approved</h1>');
    await eventually(
      async () => (await describe_(client, arn)).Status === 'ISSUED',
      'the certificate issued',
    );
    expect((await describe_(client, arn)).DomainValidationOptions?.[0]?.ValidationStatus).toBe('SUCCESS');

    const again = await open(stack, token, 'POST');
    expect(again.status).toBe(410);
    expect(again.body).toContain('Approval link already used');
    expect(sink.messages).toHaveLength(APPROVER_BOXES.length);
  });

  it('ResendValidationEmail mails a new link and retires the old one', async () => {
    const { stack, client, sink } = await startStack();
    const { CertificateArn: arn = '' } = await client.send(
      new RequestCertificateCommand({
        DomainName: 'resend.example.test',
        ValidationMethod: 'EMAIL',
        DomainValidationOptions: [{ DomainName: 'resend.example.test', ValidationDomain: 'example.test' }],
      }),
    );
    const oldToken = tokenOf(stack, await sink.waitForMessages(APPROVER_BOXES.length));
    await whenLinkWorks(stack, oldToken);

    await client.send(
      new ResendValidationEmailCommand({
        CertificateArn: arn,
        Domain: 'resend.example.test',
        ValidationDomain: 'example.test',
      }),
    );

    const resent = (await sink.waitForMessages(2 * APPROVER_BOXES.length)).slice(APPROVER_BOXES.length);
    expect(resent.map((mail) => mail.rcptTo[0]).sort()).toEqual(
      APPROVER_BOXES.map((box) => `${box}@example.test`),
    );
    const newToken = tokenOf(stack, resent);
    expect(newToken).not.toBe(oldToken);
    for (const method of ['GET', 'POST'] as const) {
      const old = await open(stack, oldToken, method);
      expect(old.status).toBe(410);
      expect(old.body).toContain('Approval link already used');
    }
    expect((await describe_(client, arn)).Status).toBe('PENDING_VALIDATION');

    expect((await open(stack, newToken)).status).toBe(200);
    expect((await open(stack, newToken, 'POST')).status).toBe(200);
    await eventually(
      async () => (await describe_(client, arn)).Status === 'ISSUED',
      'the certificate issued',
    );
  });

  it('refuses a link once 72 hours have passed, and approves nothing with it', async () => {
    const { stack, client, clock, sink } = await startStack();
    const { CertificateArn: arn = '' } = await client.send(
      new RequestCertificateCommand({ DomainName: 'late.example.test', ValidationMethod: 'EMAIL' }),
    );
    const token = tokenOf(stack, await sink.waitForMessages(APPROVER_BOXES.length));
    await whenLinkWorks(stack, token);

    // A minute before the deadline the link still works...
    clock.advance(72 * HOUR_MS - 60_000);
    expect((await open(stack, token)).status).toBe(200);
    // ...and once it has passed it does not, and the workflow times the request out.
    clock.advance(60_000);
    await eventually(
      async () => (await describe_(client, arn)).Status === 'VALIDATION_TIMED_OUT',
      'the request timed out',
    );
    const before = await describe_(client, arn);
    for (const method of ['GET', 'POST'] as const) {
      const page = await open(stack, token, method);
      expect(page.status).toBe(410);
      expect(page.body).toContain('Approval link expired');
      expect(page.body).not.toContain('<form');
    }
    expect(await describe_(client, arn)).toEqual(before);
    expect(before.DomainValidationOptions?.[0]?.ValidationStatus).not.toBe('SUCCESS');
  });
});
